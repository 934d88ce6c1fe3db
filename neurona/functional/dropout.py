"""Floor 2: inverted dropout."""

__all__: list[str] = []
