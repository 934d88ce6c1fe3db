"""Floor 4: layers, Keras-compatible (names, arguments, defaults, weight layouts). Each layer is
weights + config + one call into ``neurona.functional``; all build lazily on their first input.

    >>> import numpy as np
    >>> from neurona import layers
    >>> layers.Dense(3)(np.ones((2, 4))).shape
    (2, 3)
"""

from neurona.layers.activation import ELU, Activation, LeakyReLU, PReLU, ReLU, Softmax
from neurona.layers.conv import Conv1D, Conv2D, Convolution1D, Convolution2D
from neurona.layers.dense import Dense
from neurona.layers.dropout import Dropout
from neurona.layers.embedding import Embedding
from neurona.layers.input import Input, InputLayer
from neurona.layers.layer import Layer, get_layer_class, register_layer, reset_layer_names
from neurona.layers.normalization import BatchNormalization, LayerNormalization
from neurona.layers.pooling import (
    AveragePooling1D,
    AveragePooling2D,
    AvgPool1D,
    AvgPool2D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAvgPool1D,
    GlobalAvgPool2D,
    GlobalMaxPool1D,
    GlobalMaxPool2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    MaxPool1D,
    MaxPool2D,
    MaxPooling1D,
    MaxPooling2D,
)
from neurona.layers.reshaping import Flatten, Reshape
from neurona.layers.spatial import UpSampling2D, ZeroPadding2D
from neurona.layers.symbolic import KerasTensor
from neurona.layers.units import RBF, Maxout

__all__ = [
    "Activation",
    "BatchNormalization",
    "Dense",
    "Dropout",
    "ELU",
    "Embedding",
    "Flatten",
    "Input",
    "InputLayer",
    "KerasTensor",
    "Layer",
    "LayerNormalization",
    "LeakyReLU",
    "Maxout",
    "PReLU",
    "RBF",
    "ReLU",
    "Reshape",
    "Softmax",
    "get_layer_class",
    "register_layer",
    "reset_layer_names",
]
__all__ += [
    "AveragePooling1D",
    "AveragePooling2D",
    "AvgPool1D",
    "AvgPool2D",
    "Conv1D",
    "Conv2D",
    "Convolution1D",
    "Convolution2D",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "MaxPool1D",
    "MaxPool2D",
    "MaxPooling1D",
    "MaxPooling2D",
    "UpSampling2D",
    "ZeroPadding2D",
]
from neurona.layers.gru import GRU  # noqa: E402
from neurona.layers.lstm import LSTM  # noqa: E402
from neurona.layers.simple_rnn import SimpleRNN  # noqa: E402
from neurona.layers.wrappers import Bidirectional, TimeDistributed  # noqa: E402

__all__ += ["Bidirectional", "GRU", "LSTM", "SimpleRNN", "TimeDistributed"]
from neurona.layers.dot import Dot, dot  # noqa: E402
from neurona.layers.merge import (  # noqa: E402
    Add,
    Average,
    Concatenate,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    maximum,
    minimum,
    multiply,
    subtract,
)

__all__ += [
    "Add",
    "Average",
    "Concatenate",
    "Dot",
    "Maximum",
    "Minimum",
    "Multiply",
    "Subtract",
    "add",
    "average",
    "concatenate",
    "dot",
    "maximum",
    "minimum",
    "multiply",
    "subtract",
]
from neurona.layers.conv_transpose import Conv2DTranspose, Convolution2DTranspose  # noqa: E402
from neurona.layers.reshaping import RepeatVector  # noqa: E402

__all__ += ["Conv2DTranspose", "Convolution2DTranspose", "RepeatVector"]
from neurona.layers.serialization import deserialize, serialize  # noqa: E402

__all__ += ["deserialize", "serialize"]
# registered for loading (the node arithmetic and ops.* on symbolic tensors record), not public
from neurona.layers.operation import Operation  # noqa: E402, F401
