"""Floor 5: ``CallbackList``, the one object ``fit``, ``evaluate`` and ``predict`` talk to: it
adds ``History`` and the progress bar, and calls each hook on the callbacks that define it."""

from __future__ import annotations

from typing import Any

from neurona.callbacks.base import Callback, History
from neurona.callbacks.progbar import ProgbarLogger

__all__ = ["CallbackList"]

_HOOKS = (
    "on_train_begin",
    "on_train_end",
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_begin",
    "on_test_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_begin",
    "on_predict_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
)
# Callback.on_train_batch_* forward to Keras 2's on_batch_*: overriding either counts
_ALIASES = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}
_NO_HOOKS: dict[str, list] = {hook: [] for hook in _HOOKS}  # shared, never changed


def _defines(callback: Any, hook: str) -> bool:
    """Whether ``callback`` does something in ``hook`` (the base class's hooks do nothing)."""
    if not isinstance(callback, Callback):
        return callable(getattr(callback, hook, None))  # a duck-typed callback
    if hook in vars(callback) or _ALIASES.get(hook, "") in vars(callback):  # LambdaCallback
        return True
    kind = type(callback)
    return any(
        name and getattr(kind, name) is not getattr(Callback, name)
        for name in (hook, _ALIASES.get(hook))
    )


class CallbackList(Callback):
    """The callbacks of one ``fit`` / ``evaluate`` / ``predict``, called as one.

    As Keras: the user's callbacks run first, then ``History`` (``add_history``) and the
    ``ProgbarLogger`` (``add_progbar``), so that a value a callback puts in the epoch's logs
    (e.g. ReduceLROnPlateau's 'learning_rate') reaches the history and the bar. A hook is only
    called on the callbacks that override it: ``fit`` asks ``has('on_train_batch_end')`` and
    skips building the batch logs when nobody reads them.

    Args:
        callbacks: a list of ``Callback`` objects (or None).
        add_history: add a ``History`` unless the list has one.
        add_progbar: add a ``ProgbarLogger`` unless the list has one.
        model: the model, given to every callback (``set_model``).
        **params: ``epochs``, ``steps``, ``verbose``…, given to every callback (``set_params``).

    Example:
        >>> class Echo(Callback):
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         print("epoch", epoch, logs)
        >>> callbacks = CallbackList([Echo()], add_history=True)
        >>> callbacks.on_train_begin(); callbacks.on_epoch_end(0, {"loss": 0.5})
        epoch 0 {'loss': 0.5}
        >>> callbacks.history.history, callbacks.has("on_train_batch_end")
        ({'loss': [0.5]}, False)
    """

    def __init__(
        self,
        callbacks: list | None = None,
        add_history: bool = False,
        add_progbar: bool = False,
        model: Any = None,
        **params: Any,
    ) -> None:
        super().__init__()
        self.callbacks = list(
            callbacks.callbacks if isinstance(callbacks, CallbackList) else callbacks or []
        )
        for callback in self.callbacks:
            if not isinstance(callback, Callback) and not hasattr(callback, "on_epoch_end"):
                raise TypeError(
                    f"callbacks: expected a list of Callback objects such as "
                    f"[callbacks.EarlyStopping()], got {callback!r}."
                )
        self.history = next((c for c in self.callbacks if isinstance(c, History)), None)
        if self.history is None and add_history:
            self.history = History()
            self.callbacks.append(self.history)
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        self._hooks = (
            {
                hook: [getattr(c, hook) for c in self.callbacks if _defines(c, hook)]
                for hook in _HOOKS
            }
            if self.callbacks
            else _NO_HOOKS
        )
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def set_model(self, model: Any) -> None:
        """Give the model to every callback (and set ``model.history``)."""
        super().set_model(model)
        if self.history is not None:
            model.history = self.history
        for callback in self.callbacks:
            callback.set_model(model)

    def set_params(self, params: dict) -> None:
        """Give the parameters (``epochs``, ``steps``, ``verbose``…) to every callback."""
        super().set_params(params)
        for callback in self.callbacks:
            callback.set_params(params)

    def has(self, hook: str) -> bool:
        """Whether some callback does something in ``hook`` (e.g. 'on_train_batch_end')."""
        return bool(self._hooks[hook])

    def _call(self, hook: str, *args: Any) -> None:
        if args[-1] is None:  # Keras hands callbacks {} where no logs were given, never None
            args = (*args[:-1], {})
        for method in self._hooks[hook]:
            method(*args)

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._call("on_train_begin", logs)

    def on_train_end(self, logs: dict | None = None) -> None:
        self._call("on_train_end", logs)

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._call("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._call("on_epoch_end", epoch, logs)

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._call("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._call("on_train_batch_end", batch, logs)

    def on_test_begin(self, logs: dict | None = None) -> None:
        self._call("on_test_begin", logs)

    def on_test_end(self, logs: dict | None = None) -> None:
        self._call("on_test_end", logs)

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._call("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._call("on_test_batch_end", batch, logs)

    def on_predict_begin(self, logs: dict | None = None) -> None:
        self._call("on_predict_begin", logs)

    def on_predict_end(self, logs: dict | None = None) -> None:
        self._call("on_predict_end", logs)

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._call("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._call("on_predict_batch_end", batch, logs)
