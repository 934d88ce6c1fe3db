"""Floor 5: Keras's callbacks, the objects ``fit`` calls at the start and end of training,
epochs and batches: History, EarlyStopping, ModelCheckpoint, ReduceLROnPlateau,
LearningRateScheduler, CSVLogger, TerminateOnNaN, LambdaCallback and the progress bar.

    >>> import numpy as np
    >>> from neurona import callbacks, layers, models
    >>> model = models.Sequential([layers.Input((2,)), layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> stop = callbacks.EarlyStopping(monitor="loss", patience=1, restore_best_weights=True)
    >>> history = model.fit(np.ones((8, 2)), np.ones((8, 1)), epochs=3, verbose=0,
    ...                     callbacks=[stop])
    >>> len(history.history["loss"]) <= 3
    True
"""

from neurona.callbacks.base import Callback, History
from neurona.callbacks.callback_list import CallbackList
from neurona.callbacks.checkpoint import ModelCheckpoint
from neurona.callbacks.display import Progbar
from neurona.callbacks.early_stopping import EarlyStopping
from neurona.callbacks.learning_rate import LearningRateScheduler, ReduceLROnPlateau
from neurona.callbacks.loggers import CSVLogger, LambdaCallback, TerminateOnNaN
from neurona.callbacks.monitor import MonitorCallback
from neurona.callbacks.progbar import EpochProgbar, ProgbarLogger
from neurona.callbacks.tensorboard import TensorBoard

__all__ = [
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "EpochProgbar",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "MonitorCallback",
    "Progbar",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "TensorBoard",
    "TerminateOnNaN",
]
