"""Floor 4: ``SimpleRNN``, the fully connected recurrent layer h_t = f(x_t W + h_{t−1} U + b)
(course Y5), one call into ``F.simple_rnn``."""

from __future__ import annotations

from typing import Any

from neurona import functional as F
from neurona.autodiff import Tensor
from neurona.layers.rnn import RecurrentLayer, kernel_argument

__all__ = ["SimpleRNN"]


class SimpleRNN(RecurrentLayer):
    """Simple (Elman) recurrent layer, trained with backpropagation through time.

        h_t = f(x_t W + h_{t−1} U + b),   h_0 = 0

    W is ``kernel`` (features, units), U ``recurrent_kernel`` (units, units), b ``bias``
    (units,), f ``activation`` (tanh). The whole sequence is one node (``F.simple_rnn``).

    Args:
        units: size of the state h, a positive int.
        activation: f, default "tanh".
        use_bias, kernel_initializer ("glorot_uniform"), recurrent_initializer ("orthogonal"),
            bias_initializer ("zeros"), kernel_regularizer, recurrent_regularizer,
            bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint: as Keras.
        dropout, recurrent_dropout: fractions of the inputs and of the state h_{t−1} dropped
            while training, one mask per sequence (the same at every step).
        seed: seed of the dropout masks.
        return_sequences: return every h_t (batch, time, units) instead of the last one.
        return_state: also return the last state: [output, h_T].
        go_backwards: read the sequence from its end (outputs in that order, as Keras).
        stateful: carry the last state over to the next batch (``reset_states()`` clears it).
        unroll: accepted for Keras code, no effect.

    Shape:
        input:  (batch, time, features)
        output: (batch, units), or (batch, time, units) with return_sequences

    Example:
        >>> import numpy as np
        >>> SimpleRNN(4, return_sequences=True)(np.ones((2, 5, 3))).shape
        (2, 5, 4)
    """

    def _run(self, x: Tensor, states: list, x_mask: Any, h_mask: Any) -> tuple:
        return F.simple_rnn(
            x,
            self.kernel,
            self.recurrent_kernel,
            self.bias,
            states[0],
            activation=kernel_argument(self.activation),
            go_backwards=self.go_backwards,
            x_mask=x_mask,
            h_mask=h_mask,
        )
