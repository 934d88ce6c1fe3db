"""Side floor: ``keras.random``: normal and uniform draws, dropout, and ``SeedGenerator``, the
state a layer keeps to draw different numbers at each call, repeatably.

``seed`` follows Keras: None draws from the shared generator (``neurona.backend.rng()``,
reseeded by ``set_random_seed``), an int gives the same numbers at every call, a
``SeedGenerator`` gives new numbers at each call, the same sequence for the same seed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona import backend
from neurona import functional as F
from neurona.autodiff import Tensor

__all__ = ["SeedGenerator", "dropout", "normal", "uniform"]


class SeedGenerator:
    """A seeded source of random numbers that advances at each draw (Keras's SeedGenerator).

    Args:
        seed: an int; None draws one from the shared generator.

    Example:
        >>> a, b = SeedGenerator(7), SeedGenerator(7)
        >>> bool((normal((3,), seed=a).numpy() == normal((3,), seed=b).numpy()).all())
        True
    """

    def __init__(self, seed: int | None = None, **kwargs: Any) -> None:
        if seed is None:
            seed = int(backend.rng().integers(2**31))
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"SeedGenerator: expected seed to be an int or None, got {seed!r}.")
        self.seed = int(seed)
        self.rng = np.random.default_rng(self.seed)

    def get_config(self) -> dict:
        """The constructor arguments.

        Example:
            >>> SeedGenerator(3).get_config()
            {'seed': 3}
        """
        return {"seed": self.seed}


def _generator(seed: Any, where: str) -> np.random.Generator:
    if seed is None:
        return backend.rng()
    if isinstance(seed, SeedGenerator):
        return seed.rng
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return np.random.default_rng(int(seed))
    raise TypeError(
        f"{where}: expected seed to be None, an int or a keras.random.SeedGenerator, got {seed!r}."
    )


def _shape(shape: Any) -> tuple:
    return tuple(int(n) for n in ((shape,) if isinstance(shape, (int, np.integer)) else shape))


def normal(
    shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: str | None = None, seed: Any = None
) -> Tensor:
    """Draws from the normal distribution N(mean, stddev²).

    Example:
        >>> normal((2, 3), seed=0).shape
        (2, 3)
    """
    draw = _generator(seed, "normal").normal(mean, stddev, size=_shape(shape))
    return Tensor(draw.astype(dtype or backend.floatx()))


def uniform(
    shape: Any, minval: float = 0.0, maxval: float = 1.0, dtype: str | None = None, seed: Any = None
) -> Tensor:
    """Draws from the uniform distribution on [minval, maxval).

    Example:
        >>> bool((uniform((4,), seed=0).numpy() < 1.0).all())
        True
    """
    draw = _generator(seed, "uniform").uniform(minval, maxval, size=_shape(shape))
    return Tensor(draw.astype(dtype or backend.floatx()))


def dropout(inputs: Any, rate: float, noise_shape: Any = None, seed: Any = None) -> Tensor:
    """Inverted dropout (``neurona.functional.dropout``): each unit is zeroed with probability
    ``rate``, the kept ones scaled by 1/(1 − rate). ``noise_shape`` is not supported.

    Example:
        >>> sorted(set(dropout(np.ones(8), 0.5, seed=0).numpy().tolist()))
        [0.0, 2.0]
    """
    if noise_shape is not None:
        raise ValueError("dropout: noise_shape is not supported; pass noise_shape=None.")
    x = inputs if isinstance(inputs, Tensor) else Tensor(np.asarray(inputs))
    return F.dropout(x, rate, training=True, rng=_generator(seed, "dropout"))
