"""Floor 2: reductions (sum, mean, max, min, logsumexp) with axis/keepdims."""

__all__: list[str] = []
