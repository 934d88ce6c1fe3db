"""Floor 4: ``GRU``, the gated recurrent unit layer, one call into ``F.gru``; Keras's
``reset_after=True`` by default, ``reset_after=False`` for the course's formula (Y7), and the
course's update convention with ``convention="course"``."""

from __future__ import annotations

from typing import Any

from neurona import activations
from neurona import functional as F
from neurona.autodiff import Tensor
from neurona.layers.dense import activation_name
from neurona.layers.rnn import RecurrentLayer, kernel_argument

__all__ = ["GRU"]


class GRU(RecurrentLayer):
    """Gated recurrent unit layer, trained with backpropagation through time.

        z = σ(x_t W_z + h_{t−1} U_z + b_z)      r = σ(x_t W_r + h_{t−1} U_r + b_r)
        h̃ = tanh(x_t W_h + b_h + r ⊙ (h_{t−1} U_h + b'_h))    reset_after=True (Keras, PyTorch)
        h̃ = tanh(x_t W_h + (r ⊙ h_{t−1}) U_h + b_h)           reset_after=False (the course)
        h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃                          convention="keras" (default)
        h_t = z ⊙ h̃ + (1 − z) ⊙ h_{t−1}                          convention="course"

    NOTE: the course writes h_t = (1 − z) ⊙ h_{t−1} + z ⊙ h̃: its update gate is Keras's 1 − z
    (the same model with z's weights negated). ``convention="course"`` switches to that formula;
    the course's GRU is ``GRU(units, reset_after=False, convention="course")``. The default is
    Keras's (and PyTorch's) convention, so that weights load from Keras unchanged; the config
    names the convention only when it is the course's. W is ``kernel`` (features, 3u), U
    ``recurrent_kernel`` (u, 3u), gate order z, r, h; ``bias`` is (2, 3u) — input and recurrent
    biases — when ``reset_after`` else (3u,). The whole sequence is one node (``F.gru``).

    Args:
        units: size of the state h.
        activation: for h̃, default "tanh".
        recurrent_activation: for z and r, default "sigmoid".
        reset_after: where r applies, as above (Keras's default True).
        convention: "keras" (default): h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃; "course":
            h_t = z ⊙ h̃ + (1 − z) ⊙ h_{t−1} (not a Keras argument).
        the others: as ``SimpleRNN``.

    Shape:
        input:  (batch, time, features)
        output: (batch, units), or (batch, time, units) with return_sequences; with
            return_state a list [output, h_T].

    Example:
        >>> import numpy as np
        >>> layer = GRU(3)
        >>> layer(np.ones((2, 5, 4))).shape, [w.shape for w in layer.get_weights()]
        ((2, 3), [(4, 9), (3, 9), (2, 9)])
        >>> GRU(3, reset_after=False, convention="course").get_config()["convention"]
        'course'
    """

    gates = 3

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        reset_after: bool = True,
        convention: str = "keras",
        **kwargs: Any,
    ) -> None:
        if convention not in ("keras", "course"):
            raise ValueError(
                f"GRU: expected convention 'keras' (h = z ⊙ h_prev + (1 − z) ⊙ h̃, Keras's "
                f"and PyTorch's) or 'course' (h = z ⊙ h̃ + (1 − z) ⊙ h_prev), got "
                f"convention={convention!r}."
            )
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
        self.reset_after = bool(reset_after)
        self.convention = convention

    def _bias_shape(self) -> tuple:
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _run(self, x: Tensor, states: list, x_mask: Any, h_mask: Any) -> tuple:
        return F.gru(
            x,
            self.kernel,
            self.recurrent_kernel,
            self.bias,
            states[0],
            activation=kernel_argument(self.activation),
            recurrent_activation=kernel_argument(self.recurrent_activation),
            go_backwards=self.go_backwards,
            x_mask=x_mask,
            h_mask=h_mask,
            reset_after=self.reset_after,
            convention=self.convention,
        )

    def get_config(self) -> dict:
        config = {
            **super().get_config(),
            "recurrent_activation": activation_name(self.recurrent_activation),
            "reset_after": self.reset_after,
        }
        if self.convention != "keras":  # Keras's configs stay Keras's
            config["convention"] = self.convention
        return config
