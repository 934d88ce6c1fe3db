"""Floor 2: shape ops (reshape, transpose, indexing, concatenate, stack)."""

__all__: list[str] = []
