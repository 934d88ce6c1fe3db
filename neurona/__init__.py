"""neurona: the neural networks of the course, readable, Keras-compatible, fast on a CPU.

    >>> import neurona as nr
    >>> x = nr.tensor([3.0], requires_grad=True)
    >>> (x ** 2).sum().backward(); x.grad
    array([6.], dtype=float32)

Sub-packages (``nr.functional``, ``nr.utils`` …) load on first use, so ``import neurona`` stays
light.
"""

from __future__ import annotations

import importlib

from neurona.autodiff import (
    Function,
    Tensor,
    enable_grad,
    grad,
    gradcheck,
    is_grad_enabled,
    jvp,
    no_grad,
    tensor,
    value_and_grad,
)
from neurona.backend import floatx, set_floatx

__version__ = "0.1.0"

_SUBMODULES = {
    "activations",
    "autodiff",
    "backend",
    "callbacks",
    "classic",
    "datasets",
    "errors",
    "explain",
    "functional",
    "initializers",
    "labs",
    "layers",
    "losses",
    "metrics",
    "models",
    "ops",
    "optimizers",
    "random",
    "regularizers",
    "saving",
    "utils",
    "viz",
}

__all__ = [
    "Function",
    "Tensor",
    "enable_grad",
    "floatx",
    "grad",
    "gradcheck",
    "is_grad_enabled",
    "jvp",
    "no_grad",
    "set_floatx",
    "tensor",
    "value_and_grad",
    *sorted(_SUBMODULES),
]


# Keras 3's top-level names (``import neurona as keras; keras.Sequential(...)``)
_KERAS_NAMES = {
    "Model": "models",
    "Sequential": "models",
    "Functional": "models",
    "Input": "layers",
    "InputLayer": "layers",
    "Layer": "layers",
}
__all__ += sorted(_KERAS_NAMES)


def __getattr__(name: str):
    """Load a sub-package the first time it is used (``nr.functional``, ``nr.utils`` …), and
    Keras's top-level ``Model``, ``Sequential``, ``Input`` and ``Layer``."""
    if name in _SUBMODULES:
        return importlib.import_module(f"neurona.{name}")
    if name in _KERAS_NAMES:
        return getattr(importlib.import_module(f"neurona.{_KERAS_NAMES[name]}"), name)
    raise AttributeError(f"module 'neurona' has no attribute {name!r}")
