"""Side: how the labs show their training: the live progress bar by default, nothing when the
lab is silenced (``print_fn=None``, what ``neurona lab NAME --quiet`` passes)."""

from __future__ import annotations

from typing import Any

from neurona.callbacks import EpochProgbar

__all__ = ["fit_kwargs", "say"]


def fit_kwargs(print_fn: Any, callbacks: Any = (), per_epoch: bool = False) -> dict:
    """``verbose`` and ``callbacks`` for a lab's ``fit``: Keras's live bar per epoch (one line
    per epoch off a terminal), or with ``per_epoch`` one bar over the epochs (for full-batch
    trainings, whose epochs are single quick steps); silent when ``print_fn`` is None.

    Example:
        >>> fit_kwargs(None)
        {'verbose': 0, 'callbacks': []}
        >>> fit_kwargs(print)
        {'verbose': 1, 'callbacks': []}
        >>> [type(c).__name__ for c in fit_kwargs(print, per_epoch=True)["callbacks"]]
        ['EpochProgbar']
    """
    callbacks = list(callbacks)
    if print_fn is None:
        return {"verbose": 0, "callbacks": callbacks}
    if per_epoch:
        return {"verbose": 0, "callbacks": [*callbacks, EpochProgbar()]}
    return {"verbose": 1, "callbacks": callbacks}


def say(print_fn: Any) -> Any:
    """``print_fn``, or a function that prints nothing when it is None.

    Example:
        >>> say(None)("not shown")
        >>> say(print)("shown")
        shown
    """
    return print_fn if print_fn is not None else (lambda *args, **kwargs: None)
