"""Floor 4: what the recurrent layers (SimpleRNN, LSTM, GRU) share: Keras's arguments, the
weights (kernel, recurrent_kernel, bias), the (batch, time, features) checks, the per-sequence
dropout masks, return_sequences / return_state / go_backwards / stateful, and the config."""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona import activations, initializers, regularizers
from neurona import functional as F
from neurona.autodiff import Tensor
from neurona.backend import rng as default_rng
from neurona.layers.dense import activation_name, check_units
from neurona.layers.layer import Layer, serialize_object

__all__ = ["RecurrentLayer"]


def _rate(cls: str, name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise ValueError(
            f"{cls}: expected {name} (a fraction of units to drop) with 0 ≤ {name} "
            f"< 1, got {name}={value!r}. Use e.g. {name}=0.2."
        )
    return float(value)


def kernel_argument(fn: Any) -> Any:
    """What a functional kernel is given for an activation: its name when it has one (the fast
    in-place path for tanh/sigmoid), else the callable.

    Example:
        >>> kernel_argument(F.tanh), kernel_argument(None)
        ('tanh', 'linear')
    """
    name = activation_name(fn)
    return name if isinstance(name, str) and name in F.activations.__all__ else fn


class RecurrentLayer(Layer):
    """Base of SimpleRNN, LSTM and GRU: one call into a sequence kernel of ``neurona.functional``
    (a whole sequence is one node of the tape with a hand-written BPTT).

    Subclasses set ``gates`` (1, 4, 3), ``n_states`` and write ``_bias_shape``, ``_run``
    (the kernel call) and add their own config entries.

    Example:
        >>> from neurona.layers import LSTM
        >>> isinstance(LSTM(2), RecurrentLayer)
        True
    """

    gates = 1
    n_states = 1

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        **kwargs: Any,
    ) -> None:
        cls = type(self).__name__
        super().__init__(**kwargs)
        self.units = check_units(cls, "units", units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = kernel_constraint
        self.recurrent_constraint = recurrent_constraint
        self.bias_constraint = bias_constraint
        self.dropout = _rate(cls, "dropout", dropout)
        self.recurrent_dropout = _rate(cls, "recurrent_dropout", recurrent_dropout)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise ValueError(
                f"{cls}: expected seed to be None or a non-negative int, got {seed!r}."
            )
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)  # accepted for Keras code; the kernel always loops over time
        self.states: list | None = None  # the carried states when stateful
        self.kernel: Tensor | None = None
        self.recurrent_kernel: Tensor | None = None
        self.bias: Tensor | None = None

    # ----- weights -----------------------------------------------------------------------
    def _bias_shape(self) -> tuple:
        return (self.gates * self.units,)

    def build(self, input_shape: tuple) -> None:
        self._check_shape(input_shape)
        g_u = self.gates * self.units
        self.kernel = self.add_weight(
            "kernel",
            (input_shape[-1], g_u),
            self.kernel_initializer,
            self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            "recurrent_kernel",
            (self.units, g_u),
            self.recurrent_initializer,
            self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                "bias",
                self._bias_shape(),
                self.bias_initializer,
                self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    # ----- calling -----------------------------------------------------------------------
    def _check_shape(self, shape: tuple) -> None:
        name = type(self).__name__
        if len(shape) != 3:
            raise ValueError(
                f"{name} '{self.name}' expects inputs of shape (batch, time, "
                f"features), got shape {tuple(shape)}. For a single series of "
                "values use x.reshape(batch, time, 1); for a table of lagged values "
                "(batch, lags) use x.reshape(batch, lags, 1)."
            )
        if self.kernel is not None and shape[-1] != self.kernel.shape[0]:
            raise ValueError(
                f"{name} '{self.name}' expects inputs whose last axis (features) has "
                f"size {self.kernel.shape[0]}, got shape {tuple(shape)}. Check the "
                "number of features of the data or the layer before."
            )

    def _mask(self, shape: tuple, rate: float, dtype: Any) -> np.ndarray:
        """One inverted-dropout mask per sequence (Keras): kept units scaled by 1/(1 − rate)."""
        generator = self._rng if self._rng is not None else default_rng()
        keep = generator.random(shape) >= rate
        return keep.astype(dtype) / np.asarray(1.0 - rate, dtype=dtype)

    def _masks(self, x: Tensor, training: bool | None) -> tuple[Any, Any]:
        if not training:
            return None, None
        batch = x.shape[0]
        x_mask = self._mask((batch, x.shape[-1]), self.dropout, x.dtype) if self.dropout else None
        h_mask = (
            self._mask((batch, self.units), self.recurrent_dropout, x.dtype)
            if self.recurrent_dropout
            else None
        )
        return x_mask, h_mask

    def _initial_states(self, x: Tensor, initial_state: Any) -> list:
        if initial_state is not None:
            states = (
                list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
            )
            if len(states) != self.n_states:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}' expects {self.n_states} "
                    f"initial state(s) of shape (batch, {self.units}), got "
                    f"{len(states)}."
                )
            return [
                s if isinstance(s, Tensor) else Tensor(np.asarray(s, dtype=x.dtype)) for s in states
            ]
        if self.stateful and self.states is not None:
            if self.states[0].shape[0] == x.shape[0]:
                return [Tensor(s) for s in self.states]
            raise ValueError(
                f"{type(self).__name__} '{self.name}' is stateful and carries states "
                f"for batches of {self.states[0].shape[0]}, got a batch of "
                f"{x.shape[0]}. Use a fixed batch size or call reset_states()."
            )
        return [None] * self.n_states

    def call(self, x: Tensor, training: bool | None = None, initial_state: Any = None) -> Any:
        self._check_shape(tuple(x.shape))
        x_mask, h_mask = self._masks(x, training)
        hs, *states = self._run(x, self._initial_states(x, initial_state), x_mask, h_mask)
        if self.stateful:
            self.states = [np.array(s.data, copy=True) for s in states]
        out = hs if self.return_sequences else states[0]
        return [out, *states] if self.return_state else out

    def _run(self, x: Tensor, states: list, x_mask: Any, h_mask: Any) -> tuple:
        raise NotImplementedError

    def reset_states(self) -> None:
        """Forget the states a stateful layer carries between batches (start from zeros).

        Example:
            >>> from neurona.layers import GRU
            >>> layer = GRU(2, stateful=True); _ = layer(np.ones((1, 3, 1))); layer.reset_states()
            >>> layer.states is None
            True
        """
        self.states = None

    def compute_output_shape(self, input_shape: tuple) -> Any:
        batch, time = tuple(input_shape)[:2]
        out = (batch, time, self.units) if self.return_sequences else (batch, self.units)
        if self.return_state:
            return [out, *[(batch, self.units)] * self.n_states]
        return out

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activation_name(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": serialize_object(self.kernel_initializer),
            "recurrent_initializer": serialize_object(self.recurrent_initializer),
            "bias_initializer": serialize_object(self.bias_initializer),
            "kernel_regularizer": serialize_object(self.kernel_regularizer),
            "recurrent_regularizer": serialize_object(self.recurrent_regularizer),
            "bias_regularizer": serialize_object(self.bias_regularizer),
            "kernel_constraint": self.kernel_constraint,
            "recurrent_constraint": self.recurrent_constraint,
            "bias_constraint": self.bias_constraint,
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
        }
