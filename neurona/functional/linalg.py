"""Floor 2: matmul and the fused dense node."""

__all__: list[str] = []
