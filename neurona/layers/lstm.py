"""Floor 4: ``LSTM``, the long short-term memory layer (course Y6), one call into ``F.lstm``;
Keras's layout: kernel (features, 4u), recurrent_kernel (u, 4u), bias (4u,), gates i, f, c, o."""

from __future__ import annotations

from typing import Any

from neurona import activations
from neurona import functional as F
from neurona.autodiff import Tensor
from neurona.layers.dense import activation_name
from neurona.layers.rnn import RecurrentLayer, kernel_argument

__all__ = ["LSTM"]


class LSTM(RecurrentLayer):
    """Long short-term memory layer, trained with backpropagation through time.

        [i, f, c̃, o] = [σ, σ, tanh, σ](x_t W + h_{t−1} U + b)    (gate order i, f, c, o)
        c_t = f ⊙ c_{t−1} + i ⊙ c̃        h_t = o ⊙ tanh(c_t)

    W is ``kernel`` (features, 4u), U ``recurrent_kernel`` (u, 4u), b ``bias`` (4u,); the
    course's W_g [h_{t−1}, x_t] (h first, column vectors) stacks our U_gᵀ and W_gᵀ. The whole
    sequence is one node (``F.lstm``: all four gates in one product per step, BPTT by hand).

    Args:
        units: size of the states h and c.
        activation: for c̃ and c_t, default "tanh".
        recurrent_activation: for the gates i, f, o, default "sigmoid".
        unit_forget_bias: add 1 to the forget gate's initial bias (Jozefowicz et al. 2015),
            Keras's default True.
        the others: as ``SimpleRNN`` (initialisers, regularisers, constraints, dropout,
            recurrent_dropout, seed, return_sequences, return_state, go_backwards, stateful).

    Shape:
        input:  (batch, time, features)
        output: (batch, units), or (batch, time, units) with return_sequences; with
            return_state a list [output, h_T, c_T].

    Example:
        >>> import numpy as np
        >>> layer = LSTM(3)
        >>> layer(np.ones((2, 5, 4))).shape, [w.shape for w in layer.get_weights()]
        ((2, 3), [(4, 12), (3, 12), (12,)])
    """

    gates = 4
    n_states = 2

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            units,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            **kwargs,
        )
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)

    def build(self, input_shape: tuple) -> None:
        super().build(input_shape)
        if self.use_bias and self.unit_forget_bias:
            self.bias.data[self.units : 2 * self.units] += 1  # Keras: b_f = bias_init + 1

    def _run(self, x: Tensor, states: list, x_mask: Any, h_mask: Any) -> tuple:
        return F.lstm(
            x,
            self.kernel,
            self.recurrent_kernel,
            self.bias,
            states[0],
            states[1],
            activation=kernel_argument(self.activation),
            recurrent_activation=kernel_argument(self.recurrent_activation),
            go_backwards=self.go_backwards,
            x_mask=x_mask,
            h_mask=h_mask,
        )

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "recurrent_activation": activation_name(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
        }
