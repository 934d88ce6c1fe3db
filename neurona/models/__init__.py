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

from neurona.layers._naming import (  # noqa: E402  (saving, appended)
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from neurona.models.saving import load_model, save_model  # noqa: E402
from neurona.models.serialization import ModelFileError  # noqa: E402

__all__ += ["ModelFileError", "get_registered_name", "get_registered_object", "load_model",
            "register_keras_serializable", "save_model"]
