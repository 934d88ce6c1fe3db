"""Floor 4: ``Dropout``, inverted dropout that is active only while training (``F.dropout``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona import functional as F
from neurona.autodiff import Tensor, no_grad
from neurona.layers.layer import Layer

__all__ = ["Dropout"]


class Dropout(Layer):
    """Inverted dropout (course Y9/R4): while training, each unit is switched off with
    probability ``rate`` and the kept ones are scaled by 1/(1 − rate); at inference it is the
    identity.

        a = x ⊙ m / (1 − rate),  mᵢ ~ Bernoulli(1 − rate)   (training=True)
        a = x                                                (training=False or None)

    Args:
        rate: fraction of units to drop, 0 ≤ rate < 1 (the course: typically 0.2–0.5).
        noise_shape: the shape of the mask, broadcast against the input (None entries take the
            input's size), e.g. (batch, 1, features) drops the same features at every step.
        seed: an int for a reproducible sequence of masks; None uses neurona's shared generator
            (``neurona.utils.set_random_seed``).

    Example:
        >>> layer = Dropout(0.5, seed=0)
        >>> layer(np.ones((1, 4))).numpy().tolist()  # inference: unchanged
        [[1.0, 1.0, 1.0, 1.0]]
        >>> sorted(set(layer(np.ones((1, 8)), training=True).numpy().ravel().tolist()))
        [0.0, 2.0]
    """

    def __init__(
        self, rate: float, noise_shape: Any = None, seed: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < 1:
            raise ValueError(
                f"Dropout: expected rate (the fraction of units to drop) with "
                f"0 ≤ rate < 1, got rate={rate!r}. Use e.g. rate=0.2 to 0.5."
            )
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise ValueError(
                f"Dropout: expected seed to be None or a non-negative int, got {seed!r}."
            )
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        if not training or self.rate == 0:
            return x
        if self.noise_shape is None:
            return F.dropout(x, self.rate, training=True, rng=self._rng)
        shape = self._mask_shape(tuple(x.shape))
        with no_grad():  # the mask alone: F.dropout of ones is m / (1 − rate)
            mask = F.dropout(Tensor(np.ones(shape, dtype=x.dtype)), self.rate, rng=self._rng)
        return x * mask.data

    def _mask_shape(self, shape: tuple) -> tuple:
        noise = self.noise_shape
        ok = len(noise) == len(shape) and all(
            n is None or n in (1, s) for n, s in zip(noise, shape)
        )
        if not ok:
            raise ValueError(
                f"Dropout '{self.name}': noise_shape {noise} does not broadcast to "
                f"inputs of shape {shape}. Use the input's sizes or 1 per axis."
            )
        return tuple(s if n is None else n for n, s in zip(noise, shape))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "rate": self.rate,
            "noise_shape": self.noise_shape,
            "seed": self.seed,
        }
