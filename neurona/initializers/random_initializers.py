"""Floor 3: random initialisers (uniform, normal, truncated normal, the variance-scaling family
Glorot/He/LeCun with Keras's fan rules, orthogonal)."""

from __future__ import annotations

import math

import numpy as np

from neurona import backend
from neurona.initializers.constant import Initializer, _shape_and_dtype

# Keras's truncated normal cuts at ±2σ; the standard deviation of a standard normal truncated
# there is 0.87962566103423978, so VarianceScaling divides by it to keep the asked-for variance.
_TRUNCATED_STD = 0.87962566103423978


def compute_fans(shape: tuple[int, ...], input_axes=None, output_axes=None) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of ``shape``, by Keras's rules.

        ()            → (1, 1)
        (n,)          → (n, n)
        (d_in, units) → (d_in, units)                                Dense kernel
        (kh, kw, c_in, filters) → (kh·kw·c_in, kh·kw·filters)   conv kernel
    i.e. a conv kernel's fans are the receptive field size (kh·kw) times the channels.

    ``input_axes``/``output_axes`` (both given) multiply exactly those axes instead.

    Example:
        >>> compute_fans((784, 128)), compute_fans((3, 3, 16, 32))
        ((784, 128), (144, 288))
    """
    shape = tuple(int(d) for d in shape)
    if input_axes is not None and output_axes is not None:
        return math.prod(shape[a] for a in input_axes), math.prod(shape[a] for a in output_axes)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])  # 1 for a Dense kernel
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class RandomInitializer(Initializer):
    """Base of the random initialisers: the ``seed`` rule.

    seed=None → draws from ``neurona.backend.rng()`` (reseeded by ``set_random_seed``), so each
    call differs; seed=int → a fresh ``default_rng(seed)`` per call, so every call returns the
    same array (Keras 3 does the same with an integer seed).

    Example:
        >>> a = RandomNormal(seed=1)((2,)); b = RandomNormal(seed=1)((2,))
        >>> bool((a == b).all())
        True
    """

    def __init__(self, seed: int | None = None) -> None:
        if seed is not None and (
            not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0
        ):
            raise ValueError(
                f"{type(self).__name__}: expected seed=None or a non-negative int, got {seed!r}."
            )
        self.seed = None if seed is None else int(seed)

    def _rng(self) -> np.random.Generator:
        return backend.rng() if self.seed is None else np.random.default_rng(self.seed)

    def _truncated_normal(self, shape, mean: float, stddev: float) -> np.ndarray:
        """Normal samples redrawn until all lie within mean ± 2·stddev (Keras's truncation)."""
        rng = self._rng()
        z = rng.standard_normal(shape)
        bad = np.abs(z) > 2.0
        while bad.any():  # ~4.6 % redrawn per round
            z[bad] = rng.standard_normal(int(bad.sum()))
            bad = np.abs(z) > 2.0
        return mean + stddev * z

    def get_config(self):
        return {"seed": self.seed}


class RandomUniform(RandomInitializer):
    """Uniform on [minval, maxval) (``'random_uniform'``; Keras defaults ±0.05).

    Example:
        >>> w = RandomUniform(seed=0)((1000,))
        >>> bool(w.min() >= -0.05 and w.max() < 0.05)
        True
    """

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None):
        self.minval, self.maxval = minval, maxval
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        shape, dtype = _shape_and_dtype("RandomUniform", shape, dtype)
        return self._rng().uniform(self.minval, self.maxval, shape).astype(dtype)

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


class RandomNormal(RandomInitializer):
    """Normal N(mean, stddev²) (``'random_normal'``; Keras defaults mean 0.0, stddev 0.05).

    Example:
        >>> RandomNormal(seed=0)((3, 4)).shape
        (3, 4)
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        self.mean, self.stddev = mean, stddev
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        shape, dtype = _shape_and_dtype("RandomNormal", shape, dtype)
        return self._rng().normal(self.mean, self.stddev, shape).astype(dtype)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomNormal):
    """N(mean, stddev²) with values beyond mean ± 2·stddev redrawn (``'truncated_normal'``).

    Example:
        >>> bool(abs(TruncatedNormal(seed=0)((1000,))).max() <= 0.1)
        True
    """

    def __call__(self, shape, dtype=None):
        shape, dtype = _shape_and_dtype("TruncatedNormal", shape, dtype)
        return self._truncated_normal(shape, self.mean, self.stddev).astype(dtype)


class VarianceScaling(RandomInitializer):
    """Random weights whose variance is ``scale / n``, n chosen by ``mode`` (Keras 3's rule).

        n = fan_in, fan_out or (fan_in + fan_out)/2        (see compute_fans)
        'uniform':            U(−limit, limit), limit = √(3·scale/n)
        'truncated_normal':   N(0, σ²) cut at ±2σ, σ = √(scale/n) / 0.8796…  (so Var = scale/n)
        'untruncated_normal': N(0, scale/n)

    As in Keras 3, ``distribution='normal'`` means 'truncated_normal'.

    Example:
        >>> VarianceScaling(2.0, "fan_in", "uniform", seed=0)((64, 32)).shape
        (64, 32)
    """

    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTRIBUTIONS = ("uniform", "truncated_normal", "untruncated_normal")

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: int | None = None,
        input_axes=None,
        output_axes=None,
    ) -> None:
        name = type(self).__name__
        if not scale > 0:
            raise ValueError(f"{name}: expected scale > 0, got {scale!r}.")
        if mode not in self._MODES:
            raise ValueError(f"{name}: expected mode in {self._MODES}, got {mode!r}.")
        distribution = "truncated_normal" if distribution == "normal" else distribution
        if distribution not in self._DISTRIBUTIONS:
            raise ValueError(
                f"{name}: expected distribution in {self._DISTRIBUTIONS} or "
                f"'normal', got {distribution!r}."
            )
        self.scale, self.mode, self.distribution = scale, mode, distribution
        self.input_axes, self.output_axes = input_axes, output_axes
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        shape, dtype = _shape_and_dtype(type(self).__name__, shape, dtype)
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            w = self._rng().uniform(-limit, limit, shape)
        elif self.distribution == "truncated_normal":
            w = self._truncated_normal(shape, 0.0, math.sqrt(variance) / _TRUNCATED_STD)
        else:
            w = self._rng().normal(0.0, math.sqrt(variance), shape)
        return w.astype(dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class _Named(VarianceScaling):
    """A VarianceScaling with fixed scale, mode and distribution; only the seed is configurable."""

    _ARGS: tuple[float, str, str] = (1.0, "fan_in", "truncated_normal")

    def __init__(self, seed: int | None = None, input_axes=None, output_axes=None) -> None:
        super().__init__(*self._ARGS, seed=seed, input_axes=input_axes, output_axes=output_axes)

    def get_config(self):
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


class GlorotUniform(_Named):
    """Glorot/Xavier uniform, Dense's default: U(−limit, limit), limit = √(6 / (fan_in + fan_out)).

    Example:
        >>> w = GlorotUniform(seed=0)((784, 128))
        >>> bool(abs(w).max() <= (6 / (784 + 128)) ** 0.5), w.dtype
        (True, dtype('float32'))
    """

    _ARGS = (1.0, "fan_avg", "uniform")


class GlorotNormal(_Named):
    """Glorot/Xavier normal: truncated normal with Var = 2 / (fan_in + fan_out).

    Example:
        >>> GlorotNormal(seed=0)((3, 3, 8, 16)).shape
        (3, 3, 8, 16)
    """

    _ARGS = (1.0, "fan_avg", "truncated_normal")


class HeUniform(_Named):
    """He uniform (for ReLU): U(−limit, limit), limit = √(6 / fan_in).

    Example:
        >>> bool(abs(HeUniform(seed=0)((50, 10))).max() <= (6 / 50) ** 0.5)
        True
    """

    _ARGS = (2.0, "fan_in", "uniform")


class HeNormal(_Named):
    """He normal (for ReLU): truncated normal with Var = 2 / fan_in.

    Example:
        >>> HeNormal(seed=0)((50, 10)).shape
        (50, 10)
    """

    _ARGS = (2.0, "fan_in", "truncated_normal")


class LecunUniform(_Named):
    """LeCun uniform (for SELU): U(−limit, limit), limit = √(3 / fan_in).

    Example:
        >>> bool(abs(LecunUniform(seed=0)((50, 10))).max() <= (3 / 50) ** 0.5)
        True
    """

    _ARGS = (1.0, "fan_in", "uniform")


class LecunNormal(_Named):
    """LeCun normal (for SELU): truncated normal with Var = 1 / fan_in.

    Example:
        >>> LecunNormal(seed=0)((50, 10)).shape
        (50, 10)
    """

    _ARGS = (1.0, "fan_in", "truncated_normal")


class Orthogonal(RandomInitializer):
    """A random orthogonal matrix times ``gain`` (``'orthogonal'``, Saxe et al. 2014).

        A ~ N(0, 1) of shape (max(r, c), min(r, c)),  A = QR,  Q ← Q · sign(diag R)
    with r = Π shape[:-1], c = shape[-1]; Qᵀ is used when r < c, then reshaped to ``shape``.
    Rows (or columns, whichever are fewer) are orthonormal.

    Example:
        >>> Q = Orthogonal(seed=0)((4, 4), dtype="float64")
        >>> bool(np.allclose(Q.T @ Q, np.eye(4)))
        True
    """

    def __init__(self, gain: float = 1.0, seed: int | None = None) -> None:
        self.gain = gain
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        shape, dtype = _shape_and_dtype("Orthogonal", shape, dtype)
        if len(shape) < 2:
            raise ValueError(
                f"Orthogonal: expected a shape of rank 2 or more, got {shape}. "
                "Use another initialiser for vectors (e.g. 'zeros' for biases)."
            )
        rows, cols = math.prod(shape[:-1]), shape[-1]
        A = self._rng().standard_normal((max(rows, cols), min(rows, cols)))
        Q, R = np.linalg.qr(A)
        Q *= np.sign(np.diag(R))  # makes the decomposition unique, so Q is uniformly distributed
        if rows < cols:
            Q = Q.T
        return (self.gain * Q.reshape(shape)).astype(dtype)

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}
