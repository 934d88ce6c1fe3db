"""Floor 3: learning-rate schedules, α as a function of the optimiser's step counter (Keras 3's).

An optimiser given ``learning_rate=schedule`` uses α = schedule(iterations) at each update, where
``iterations`` counts the updates already made (0 at the first one).
"""

from __future__ import annotations

import math
from typing import Any

from neurona.errors import did_you_mean


class LearningRateSchedule:
    """Base class: ``schedule(step)`` returns the learning rate (a float) for update ``step``.

    Subclasses implement ``__call__(step)`` and ``get_config()``.

    Example:
        >>> class Halving(LearningRateSchedule):
        ...     def __call__(self, step):
        ...         return 0.1 * 0.5 ** step
        ...     def get_config(self):
        ...         return {}
        >>> Halving()(2)
        0.025
    """

    def __call__(self, step: int) -> float:
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(step).")

    def get_config(self) -> dict:
        """The constructor arguments as a JSON-friendly dict."""
        raise NotImplementedError(f"{type(self).__name__} must implement get_config() to be saved.")

    @classmethod
    def from_config(cls, config: dict) -> LearningRateSchedule:
        """Rebuild a schedule from ``get_config()``'s dict."""
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _positive(where: str, name: str, value: Any) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not value > 0:
        raise ValueError(f"{where}: expected {name} > 0, got {name}={value!r}.")


class ExponentialDecay(LearningRateSchedule):
    """α(step) = initial_learning_rate · decay_rate^(step / decay_steps).

    With ``staircase=True`` the exponent is ⌊step / decay_steps⌋, so α drops in steps.

    Example:
        >>> s = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
        >>> s(0), s(10), round(s(5), 6)
        (0.1, 0.05, 0.070711)
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "ExponentialDecay",
    ) -> None:
        _positive("ExponentialDecay", "decay_steps", decay_steps)
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name

    def __call__(self, step):
        p = float(step) / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate * self.decay_rate**p

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """α = values[0] while step ≤ boundaries[0], values[i] while boundaries[i−1] < step ≤
    boundaries[i], and values[-1] after the last boundary (Keras's inclusive upper edges).

    Example:
        >>> s = PiecewiseConstantDecay([2, 4], [1.0, 0.5, 0.1])
        >>> [s(k) for k in range(6)]
        [1.0, 1.0, 1.0, 0.5, 0.5, 0.1]
    """

    def __init__(self, boundaries: list, values: list, name: str = "PiecewiseConstant") -> None:
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                f"PiecewiseConstantDecay: expected len(values) == len(boundaries) "
                f"+ 1, got {len(boundaries)} boundaries and {len(values)} values. "
                "Give one more value than boundaries."
            )
        if any(b >= c for b, c in zip(boundaries, boundaries[1:])):
            raise ValueError(
                f"PiecewiseConstantDecay: expected increasing boundaries, got {boundaries!r}."
            )
        self.boundaries, self.values, self.name = list(boundaries), list(values), name

    def __call__(self, step):
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return value
        return self.values[-1]

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine decay (Loshchilov & Hutter 2017, SGDR without restarts), optionally after warmup.

        s = min(step, decay_steps)
        α(s) = α₀ · ((1 − alpha) · ½(1 + cos(π s / decay_steps)) + alpha)

    α₀ is ``initial_learning_rate``; with ``warmup_target``, α first rises linearly from
    ``initial_learning_rate`` to ``warmup_target`` over ``warmup_steps`` steps, then decays
    from ``warmup_target`` (with s counted from the end of the warmup).

    Example:
        >>> s = CosineDecay(0.1, decay_steps=10)
        >>> s(0), round(s(5), 6), s(10), s(20)
        (0.1, 0.05, 0.0, 0.0)
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        alpha: float = 0.0,
        name: str = "CosineDecay",
        warmup_target: float | None = None,
        warmup_steps: int = 0,
    ) -> None:
        _positive("CosineDecay", "decay_steps", decay_steps)
        self.initial_learning_rate, self.decay_steps, self.alpha = (
            initial_learning_rate,
            decay_steps,
            alpha,
        )
        self.name, self.warmup_target, self.warmup_steps = name, warmup_target, warmup_steps

    def _decay(self, step: float, start: float) -> float:
        cosine = 0.5 * (1.0 + math.cos(math.pi * step / self.decay_steps))
        return start * ((1.0 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        step = float(step)
        if self.warmup_target is None:
            return self._decay(min(step, self.decay_steps), self.initial_learning_rate)
        step = min(step, self.decay_steps + self.warmup_steps)
        if step < self.warmup_steps:
            rise = self.warmup_target - self.initial_learning_rate
            return self.initial_learning_rate + rise * step / self.warmup_steps
        return self._decay(step - self.warmup_steps, self.warmup_target)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


_BY_NAME = {c.__name__: c for c in (ExponentialDecay, PiecewiseConstantDecay, CosineDecay)}


def serialize(schedule: LearningRateSchedule) -> dict:
    """A JSON-friendly dict in Keras 3's layout: class_name + config.

    Example:
        >>> serialize(ExponentialDecay(0.1, 100, 0.96))["class_name"]
        'ExponentialDecay'
    """
    return {
        "module": "neurona.optimizers.schedules",
        "class_name": type(schedule).__name__,
        "config": schedule.get_config(),
        "registered_name": None,
    }


def deserialize(config: dict) -> LearningRateSchedule:
    """Rebuild a schedule from :func:`serialize`'s dict (Keras's dicts work too).

    Example:
        >>> deserialize({"class_name": "CosineDecay", "config": {"initial_learning_rate": 0.1,
        ...                                                      "decay_steps": 10}})(10)
        0.0
    """
    name = config.get("class_name") if isinstance(config, dict) else None
    if name not in _BY_NAME:
        hint = did_you_mean(name, _BY_NAME)
        raise ValueError(
            f"schedules.deserialize: expected a dict whose class_name is one of "
            f"{sorted(_BY_NAME)}, got {config!r}.{hint}"
        )
    return _BY_NAME[name].from_config(dict(config.get("config") or {}))
