"""Floor 4: the call context, what an outer layer call hands to the layers it calls (Keras's
``training`` propagation and the grouping of ``add_loss`` terms by outermost call)."""

from __future__ import annotations

__all__: list[str] = []


class _CallContext:
    """What an outer layer call hands to the layers it calls (Keras's call context).

    ``training`` reaches every nested layer that is not given it explicitly; ``call_id`` counts
    outermost calls, so that the losses added during an earlier call (``add_loss``, activity
    penalties) are dropped when the next one starts.
    """

    training: bool | None = None
    depth = 0
    call_id = 0
