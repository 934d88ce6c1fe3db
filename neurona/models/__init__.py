"""Floor 5: models, Keras-compatible. ``Model`` (a Layer with compile / fit / evaluate / predict /
save), its Functional form ``Model(inputs, outputs)``, ``Sequential``, subclassed models, and
saving.

    >>> import numpy as np
    >>> from neurona import layers, models
    >>> model = models.Sequential([layers.Input((4,)), layers.Dense(2)])
    >>> model.predict(np.ones((3, 4)), verbose=0).shape
    (3, 2)
"""

from neurona.models.callbacks import Callback, History
from neurona.models.functional import Functional
from neurona.models.model import Model
from neurona.models.sequential import Sequential
from neurona.models.summary import summary

__all__ = ["Callback", "Functional", "History", "Model", "Sequential", "summary"]

from neurona.layers._naming import (  # noqa: E402  (saving, appended)
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from neurona.models.saving import load_model, save_model  # noqa: E402
from neurona.models.serialization import ModelFileError  # noqa: E402

__all__ += [
    "ModelFileError",
    "get_registered_name",
    "get_registered_object",
    "load_model",
    "register_keras_serializable",
    "save_model",
]
from neurona.models.cloning import clone_model  # noqa: E402
from neurona.models.model_json import model_from_json  # noqa: E402

__all__ += ["clone_model", "model_from_json"]
