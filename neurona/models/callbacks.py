"""Floor 5: the old home of ``Callback`` and ``History``, kept so that
``from neurona.models.callbacks import Callback`` still works; they live in ``neurona.callbacks``.

    >>> from neurona.models.callbacks import History
    >>> from neurona import callbacks
    >>> History is callbacks.History
    True
"""

from neurona.callbacks.base import Callback, History

__all__ = ["Callback", "History"]
