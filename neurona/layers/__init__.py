"""Floor 4: layers, Keras-compatible (names, arguments, defaults, weight layouts). Each layer is
weights + config + one call into ``neurona.functional``; all build lazily on their first input.

    >>> import numpy as np
    >>> from neurona import layers
    >>> layers.Dense(3)(np.ones((2, 4))).shape
    (2, 3)
"""

from neurona.layers.activation import ELU, Activation, LeakyReLU, PReLU, ReLU, Softmax
from neurona.layers.dense import Dense
from neurona.layers.dropout import Dropout
from neurona.layers.embedding import Embedding
from neurona.layers.input import Input, InputLayer
from neurona.layers.layer import Layer, get_layer_class, register_layer, reset_layer_names
from neurona.layers.normalization import BatchNormalization, LayerNormalization
from neurona.layers.reshaping import Flatten, Reshape
from neurona.layers.units import RBF, Maxout

__all__ = ["Activation", "BatchNormalization", "Dense", "Dropout", "ELU", "Embedding", "Flatten",
           "Input", "InputLayer", "Layer", "LayerNormalization", "LeakyReLU", "Maxout", "PReLU",
           "RBF", "ReLU", "Reshape", "Softmax", "get_layer_class", "register_layer",
           "reset_layer_names"]
