"""Floor 4: layers that wrap another layer, as Keras's: ``Bidirectional`` (a recurrent layer read
forwards and backwards, outputs merged) and ``TimeDistributed`` (one layer applied at every time
step). The wrapper owns the inner layers' weights, in Keras's order."""

from __future__ import annotations

from typing import Any

from neurona import functional as F
from neurona.autodiff import Tensor
from neurona.layers.layer import Layer, get_layer_class

__all__ = ["Bidirectional", "TimeDistributed"]

_MERGE_MODES = ("concat", "sum", "ave", "mul", None)


def _serialize(layer: Layer) -> dict:
    return {
        "module": type(layer).__module__,
        "class_name": type(layer).__name__,
        "config": layer.get_config(),
    }


def _deserialize(entry: Any, where: str) -> Layer:
    if isinstance(entry, Layer):
        return entry
    if not isinstance(entry, dict) or "class_name" not in entry:
        raise TypeError(
            f"{where}: expected a layer or its entry {{'class_name': ..., 'config': "
            f"...}}, got {entry!r}."
        )
    cls = get_layer_class(entry.get("registered_name") or entry["class_name"])
    return cls.from_config(dict(entry.get("config", {})))


def _copy(layer: Layer, name: str, **changes: Any) -> Layer:
    """A fresh, unbuilt layer with ``layer``'s config, renamed and changed (Keras recreates the
    wrapped layer from its config so that it carries no state)."""
    config = {**layer.get_config(), "name": name, **changes}
    return type(layer).from_config(config)


class _Wrapper(Layer):
    """Base of the wrappers: after building, the inner layers' weights and penalties are the
    wrapper's own (``get_weights``, ``trainable_weights``, ``losses`` see them)."""


def _removeprefix(name: str, prefix: str) -> str:
    return name[len(prefix) :] if name.startswith(prefix) else name


class Bidirectional(_Wrapper):
    """Bidirectional wrapper for recurrent layers: one copy reads the sequence from first to last
    step, a second copy from last to first, and their outputs are merged.

        h→_t = RNN→(x_1 … x_t)     h←_t = RNN←(x_T … x_t)
        y = [h→, h←] (concat), h→ + h← (sum), (h→ + h←)/2 (ave), h→ ⊙ h← (mul), or [h→, h←] (None)

    With ``return_sequences`` the backward outputs are flipped back to the input's time order
    before merging, as Keras does. Weights: the forward layer's, then the backward layer's.

    Args:
        layer: a recurrent layer (SimpleRNN, LSTM, GRU); it is copied from its config, as
            'forward_<name>', and, when ``backward_layer`` is None, copied again with
            ``go_backwards=True`` as 'backward_<name>'.
        merge_mode: "concat" (default), "sum", "ave", "mul" or None (a list of both outputs).
        backward_layer: an explicit backward layer (go_backwards must differ from ``layer``'s).

    Shape:
        input:  (batch, time, features)
        output: (batch, 2·units) for concat, (batch, units) otherwise (with time when
            return_sequences); with return_state [output, *forward states, *backward states].

    Example:
        >>> import numpy as np
        >>> from neurona.layers import LSTM
        >>> layer = Bidirectional(LSTM(3, return_sequences=True))
        >>> layer(np.ones((2, 5, 4))).shape, len(layer.get_weights())
        ((2, 5, 6), 6)
    """

    def __init__(
        self,
        layer: Layer,
        merge_mode: str | None = "concat",
        backward_layer: Layer | None = None,
        **kwargs: Any,
    ) -> None:
        layer = _deserialize(layer, "Bidirectional")
        if backward_layer is not None:
            backward_layer = _deserialize(backward_layer, "Bidirectional")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Bidirectional: expected merge_mode among {_MERGE_MODES}, got {merge_mode!r}."
            )
        if not hasattr(layer, "go_backwards") or not hasattr(layer, "return_sequences"):
            raise TypeError(
                f"Bidirectional: expected a recurrent layer (SimpleRNN, LSTM, GRU), "
                f"got {type(layer).__name__}."
            )
        super().__init__(**kwargs)
        self.forward_layer = _copy(layer, f"forward_{_removeprefix(layer.name, 'forward_')}")
        self._explicit_backward = backward_layer is not None
        if backward_layer is None:
            backward_layer = _copy(
                layer, f"backward_{_removeprefix(layer.name, 'backward_')}", go_backwards=True
            )
        self.backward_layer = backward_layer
        for attribute in ("return_sequences", "return_state", "stateful"):
            if getattr(self.forward_layer, attribute) != getattr(backward_layer, attribute):
                raise ValueError(
                    f"Bidirectional: the forward and backward layers must have the "
                    f"same {attribute}, got {getattr(layer, attribute)} and "
                    f"{getattr(backward_layer, attribute)}."
                )
        if self.forward_layer.go_backwards == backward_layer.go_backwards:
            raise ValueError(
                "Bidirectional: the forward and backward layers must have different "
                f"go_backwards, got {backward_layer.go_backwards} for both."
            )
        self.merge_mode = merge_mode
        if self.batch_input_shape is None:  # Bidirectional(LSTM(4, input_shape=(10, 1)))
            self.batch_input_shape = layer.batch_input_shape
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state

    def build(self, input_shape: tuple) -> None:
        self.forward_layer.build(input_shape)
        self.backward_layer.build(input_shape)

    def call(self, x: Tensor, training: bool | None = None) -> Any:
        y = self.forward_layer(x, training=training)
        y_rev = self.backward_layer(x, training=training)
        states: list = []
        if self.return_state:
            states = [*y[1:], *y_rev[1:]]
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = y_rev[:, ::-1]  # back to the input's time order
        if self.merge_mode == "concat":
            out = F.concatenate([y, y_rev], axis=-1)
        elif self.merge_mode == "sum":
            out = y + y_rev
        elif self.merge_mode == "ave":
            out = (y + y_rev) * 0.5
        elif self.merge_mode == "mul":
            out = y * y_rev
        else:
            out = [y, y_rev]
        if self.return_state:
            return [*out, *states] if self.merge_mode is None else [out, *states]
        return out

    def compute_output_shape(self, input_shape: tuple) -> Any:
        shape = self.forward_layer.compute_output_shape(input_shape)
        states = []
        if self.return_state:
            shape, states = shape[0], list(shape[1:]) * 2
        if self.merge_mode == "concat":
            shape = (*shape[:-1], 2 * shape[-1])
        out = [shape, shape] if self.merge_mode is None else [shape]
        return [*out, *states] if self.return_state or self.merge_mode is None else shape

    def get_config(self) -> dict:
        config = {
            **super().get_config(),
            "layer": _serialize(self.forward_layer),
            "merge_mode": self.merge_mode,
        }
        if self._explicit_backward:
            config["backward_layer"] = _serialize(self.backward_layer)
        return config


class TimeDistributed(_Wrapper):
    """Apply the same layer (same weights) to every time step of a sequence.

        y_t = layer(x_t)  for t = 1 … T,  computed as one call on (batch·time, ...) inputs

    Args:
        layer: any layer, e.g. ``Dense(1)`` after an ``LSTM(return_sequences=True)``.

    Shape:
        input:  (batch, time, ...)
        output: (batch, time, ...) with the inner layer's output axes

    Example:
        >>> import numpy as np
        >>> from neurona.layers import Dense
        >>> TimeDistributed(Dense(2))(np.ones((4, 5, 3))).shape
        (4, 5, 2)
    """

    def __init__(self, layer: Layer, **kwargs: Any) -> None:
        layer = _deserialize(layer, "TimeDistributed")
        super().__init__(**kwargs)
        self.layer = layer

    def _check(self, shape: tuple) -> None:
        if len(shape) < 3:
            raise ValueError(
                f"TimeDistributed '{self.name}' expects inputs of shape (batch, "
                f"time, ...) with at least 3 axes, got shape {tuple(shape)}. Wrap "
                "the layer only for sequences."
            )

    def build(self, input_shape: tuple) -> None:
        self._check(input_shape)
        if not self.layer.built:
            self.layer.build((None, *input_shape[2:]))

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        self._check(tuple(x.shape))
        batch, time = x.shape[:2]
        y = self.layer(F.reshape(x, (batch * time, *x.shape[2:])), training=training)
        return F.reshape(y, (batch, time, *y.shape[1:]))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        inner = self.layer.compute_output_shape((None, *tuple(input_shape)[2:]))
        return (*tuple(input_shape)[:2], *tuple(inner)[1:])

    def get_config(self) -> dict:
        return {**super().get_config(), "layer": _serialize(self.layer)}
