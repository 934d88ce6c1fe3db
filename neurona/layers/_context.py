"""Floor 4: the call context, what an outer layer call hands to the layers it calls (Keras's
``training`` propagation and the grouping of ``add_loss`` terms by outermost call)."""

from __future__ import annotations

import threading

__all__: list[str] = []


class _CallState:
    """What an outer layer call hands to the layers it calls (Keras's call context).

    ``training`` reaches every nested layer that is not given it explicitly; ``call_id`` counts
    outermost calls, so that the losses added during an earlier call (``add_loss``, activity
    penalties) are dropped when the next one starts.
    """

    __slots__ = ("training", "depth", "call_id")

    def __init__(self) -> None:
        self.training: bool | None = None
        self.depth = 0
        self.call_id = 0


# One instance, not class attributes: each layer call writes these fields several times, and a
# write to a class's attribute empties Python's method cache for that class (0.15 µs a call)
_CallContext = _CallState()


class _Allocations:
    """A check run before a layer allocates a weight or a dummy activation while its model is
    built (None: no check). ``load_model`` sets it, so that a file declaring a model far larger
    than its weights is refused before the memory is taken (``neurona.models.loading``)."""

    check = None
    thread = None  # the thread that set ``check`` (other threads build unchecked)


def check_allocation(kind: str, shape: tuple, owner: object) -> None:
    """Ask the active allocation check (if any) about an array of ``shape`` about to be made;
    ``kind`` is 'weight' or 'activation', ``owner`` the layer (or None).

    Example:
        >>> check_allocation("weight", (3, 4), None)  # no check active: nothing happens
    """
    if _Allocations.check is not None and _Allocations.thread == threading.get_ident():
        _Allocations.check(kind, shape, owner)
