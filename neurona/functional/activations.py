"""Floor 2: activation functions."""

__all__: list[str] = []
