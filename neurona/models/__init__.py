"""Floor 5: models, Keras-compatible: ``Sequential`` with compile / fit / evaluate / predict,
``summary``, and the ``Callback`` / ``History`` that fit uses.

    >>> import numpy as np
    >>> from neurona import layers, models
    >>> model = models.Sequential([layers.Input((4,)), layers.Dense(2)])
    >>> model.predict(np.ones((3, 4)), verbose=0).shape
    (3, 2)
"""

from neurona.models.callbacks import Callback, History
from neurona.models.sequential import Sequential
from neurona.models.summary import summary
from neurona.models.training import TrainingMixin

__all__ = ["Callback", "History", "Sequential", "TrainingMixin", "summary"]
