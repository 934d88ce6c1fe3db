"""Floor 3: the optimiser base class: the update pipeline shared by SGD, RMSprop, Adam and the rest
(gradient clipping, decoupled weight decay, learning-rate schedules, the step counter, state).
The gradient checks and clipping live in ``_gradients``, saving and resuming in ``_state``."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from neurona.autodiff import Tensor
from neurona.optimizers import _state, schedules
from neurona.optimizers._gradients import array_of as _array_of
from neurona.optimizers._gradients import clip_gradients
from neurona.optimizers._gradients import grad_array as _grad_array


def _snake_case(name: str) -> str:
    """Keras's ``to_snake_case`` (so default names match Keras's: 'sgd', 'adam', 'rm_sprop')."""
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


class Optimizer:
    """Base class: turns gradients into in-place updates of the variables, Keras 3's pipeline.

    Each update (``apply``, ``apply_gradients`` or ``step``) does, in Keras 3's order:

        1. drop the (gradient, variable) pairs whose gradient is None;
        2. g ← g / loss_scale_factor                                      (if set)
        3. clip: clipnorm     g ← g · c / max(‖g‖, c)   for each variable separately
                 global_clipnorm   g ← g · c / max(‖(g₁, g₂, …)‖, c)   over all together
                 clipvalue    g ← clip(g, −c, c)                      (at most one of the three)
        4. α ← learning_rate, or schedule(iterations) for a LearningRateSchedule
        5. decoupled weight decay: x ← x − α·weight_decay·x            (if set; Loshchilov &
           Hutter; computed as x ← x·(1 − α·weight_decay))
        6. the optimiser's own rule (``update_step``), in place on each variable
        7. iterations ← iterations + 1

    The course writes the plain rules in its own notation ([E] deck; ``neurona.classic`` will hold
    those variants, written by hand):

        gradient descent   x ← x − α g
        momentum           p ← g + η p;   x ← x − α p          (= PyTorch's SGD momentum)
        Adagrad            s ← s + g²;    x ← x − α g / (ε + √s)   (ε outside the root, s⁰ = 0)
        RMSProp            s ← η s + (1 − η) g²;  x ← x − α g / (ε + √s)
        Adam               x ← x − α m̂ / (√v̂ + ε)

    The classes here compute Keras 3's forms (the docstring of each says where they differ):
    momentum as v ← μv − αg, ε inside the root for RMSprop/Adagrad, Adam's "ε-hat" form.

    Variables are neurona Tensors (their ``.data`` is updated in place, so layers keep their
    arrays) or plain float arrays. State ("slots" such as Adam's m and v) is created on a
    variable's first update, keyed by the variable object itself.

    Args:
        learning_rate: α, a float ≥ 0, a ``LearningRateSchedule``, or a callable with no
            arguments returning a float.
        weight_decay: decoupled weight decay factor, or None.
        clipnorm, clipvalue, global_clipnorm: gradient clipping (at most one), or None.
        loss_scale_factor: divide the gradients by this (mixed-precision loss scaling), or None.
        use_ema, ema_momentum, ema_overwrite_frequency, gradient_accumulation_steps: accepted
            for Keras config compatibility; only their off values are supported.
        name: a name; defaults to the class name in snake case, as in Keras.

    Example:
        >>> from neurona.optimizers import SGD
        >>> w = Tensor([1.0, 2.0]); w.grad = np.array([0.5, -1.0], dtype="float32")
        >>> opt = SGD(learning_rate=0.1); opt.step([w]); w.data, opt.iterations
        (array([0.95, 2.1 ], dtype=float32), 1)
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("decay", None)  # Keras 3 ignores the Keras 2 argument too
        if kwargs:
            raise ValueError(
                f"{type(self).__name__}: unknown argument(s) {sorted(kwargs)}. "
                "Check the spelling against the Keras 3 signature."
            )
        self.name = name or _snake_case(type(self).__name__)
        for arg, value in (
            ("weight_decay", weight_decay),
            ("clipnorm", clipnorm),
            ("clipvalue", clipvalue),
            ("global_clipnorm", global_clipnorm),
            ("loss_scale_factor", loss_scale_factor),
        ):
            if value is not None:
                self._check(arg, value, low=0.0)
        if sum(c is not None for c in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                f"{type(self).__name__}: expected at most one of clipnorm, clipvalue "
                f"and global_clipnorm, got clipnorm={clipnorm}, clipvalue="
                f"{clipvalue}, global_clipnorm={global_clipnorm}."
            )
        if use_ema or gradient_accumulation_steps:
            raise NotImplementedError(
                f"{type(self).__name__}: use_ema and "
                "gradient_accumulation_steps are not supported yet; leave "
                "them at False/None."
            )
        self.weight_decay, self.clipnorm, self.clipvalue = weight_decay, clipnorm, clipvalue
        self.global_clipnorm, self.loss_scale_factor = global_clipnorm, loss_scale_factor
        self.use_ema, self.ema_momentum = use_ema, ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.learning_rate = learning_rate
        self._iterations = 0
        self._state: dict[int, tuple] = {}  # id(variable) → (variable, slots, shape, array)
        self._scratch_buffers: dict[tuple, Any] = {}
        self._variables: list | None = None
        self._no_decay_ids: set[int] = set()
        self._no_decay_pattern: re.Pattern | None = None

    # ----- hyperparameters --------------------------------------------------------------
    def _check(
        self,
        arg: str,
        value: Any,
        low: float = 0.0,
        high: float | None = None,
        low_open: bool = False,
    ) -> float:
        """Validate a number against [low, high] (or (low, high]) with a generated message."""
        left = f"> {low}" if low_open else f"≥ {low}"
        want = f"{arg} {left}" + ("" if high is None else f" and ≤ {high}")
        if not isinstance(value, (int, float, np.floating, np.integer)) or isinstance(value, bool):
            raise TypeError(
                f"{type(self).__name__}: expected {want} (a float), got "
                f"{arg}={value!r} of type {type(value).__name__}."
            )
        bad = value <= low if low_open else value < low
        if bad or (high is not None and value > high) or math.isnan(value):
            raise ValueError(f"{type(self).__name__}: expected {want}, got {arg}={value!r}.")
        return float(value)

    @property
    def learning_rate(self) -> float:
        """The current α: the float, or the schedule evaluated at ``iterations``."""
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            return float(lr(self._iterations))
        return float(lr()) if callable(lr) else lr

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        if isinstance(value, schedules.LearningRateSchedule) or callable(value):
            self._learning_rate = value
        else:
            self._learning_rate = self._check("learning_rate", value, low=0.0)

    @property
    def iterations(self) -> int:
        """The number of updates made so far (schedules are evaluated at this value)."""
        return self._iterations

    @iterations.setter
    def iterations(self, value: int) -> None:
        self._iterations = int(self._check("iterations", value, low=0))

    def exclude_from_weight_decay(
        self, var_list: list | None = None, var_names: list[str] | None = None
    ) -> None:
        """Exempt variables from weight decay: these objects, or those whose ``name`` contains
        one of ``var_names`` (e.g. ``['bias']``), as in Keras."""
        self._no_decay_ids = {id(v) for v in var_list or ()}
        self._no_decay_pattern = re.compile("|".join(var_names)) if var_names else None

    # ----- the update pipeline ----------------------------------------------------------
    def build(self, variables: list) -> None:
        """Remember ``variables`` (for ``apply(grads)`` without variables) and create state."""
        self._variables = list(variables)
        for v in self._variables:
            self._slots(v, _array_of(v, type(self).__name__))

    def apply_gradients(self, grads_and_vars: Any) -> int:
        """Keras's API: update each variable from its gradient; returns ``iterations``."""
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])
        return self._iterations

    def apply(self, grads: list, variables: list | None = None) -> None:
        """Keras's API: one update of ``variables`` (the built ones when None) from ``grads``."""
        grads = list(grads)
        if variables is None:
            if self._variables is None:
                raise RuntimeError(
                    f"{type(self).__name__}.apply: got gradients without "
                    "variables before the optimiser knows any. Call "
                    "apply(grads, variables) or build(variables) first."
                )
            variables = self._variables
        else:
            variables = list(variables)
            if self._variables is None:
                self._variables = variables
        if len(grads) != len(variables):
            raise ValueError(
                f"{type(self).__name__}.apply: expected one gradient per variable, "
                f"got {len(grads)} gradients for {len(variables)} variables."
            )
        self._update(grads, variables)
        self._iterations += 1

    def step(self, variables: Any) -> None:
        """PyTorch's API: one update from each variable's ``.grad`` (None grads are skipped).

        Example:
            >>> from neurona.optimizers import Adam
            >>> w = Tensor([1.0]); w.grad = np.array([2.0], dtype="float32")
            >>> Adam(learning_rate=0.1).step([w]); w.data.round(5)  # the first step moves by ≈ α
            array([0.9], dtype=float32)
        """
        variables = list(variables)
        self.apply([getattr(v, "grad", None) for v in variables], variables)

    def zero_grad(self, variables: Any) -> None:
        """PyTorch's API: set each variable's ``.grad`` to None before the next backward pass."""
        for v in variables:
            v.grad = None

    def _update(self, grads: list, variables: list) -> None:
        """Steps 1–6 for the pairs whose gradient is not None."""
        xs, gs, slots = [], [], []
        state = self._state
        for i, (g, v) in enumerate(zip(grads, variables)):
            if g is None:
                continue
            x = v.data if isinstance(v, Tensor) else v
            entry = state.get(id(v))
            # the checks run once per variable array (again when its .data is replaced)
            if entry is None or entry[3] is not x or entry[2] != x.shape:
                x = _array_of(v, type(self).__name__)
                entry = state[id(v)] = (v, self._slots(v, x), x.shape, x)
            if type(g) is not type(x) or g.dtype is not x.dtype or g.shape != x.shape:
                g = _grad_array(g, x, i, type(self).__name__)
            xs.append(x)
            gs.append(g)
            slots.append(entry[1])
        if not xs:
            return
        if self.loss_scale_factor:
            gs = [g / self.loss_scale_factor for g in gs]
        gs = clip_gradients(gs, self.clipnorm, self.global_clipnorm, self.clipvalue)
        lr = self.learning_rate
        if self.weight_decay:
            for v, x in zip([v for g, v in zip(grads, variables) if g is not None], xs):
                if self._decays(v):
                    x *= 1.0 - lr * self.weight_decay
        self._prepare_step()
        update_step = self.update_step
        for x, g, x_slots in zip(xs, gs, slots):
            update_step(g, x, lr, x_slots)

    def _decays(self, variable: Any) -> bool:
        if id(variable) in self._no_decay_ids:
            return False
        name = getattr(variable, "name", None)
        return not (self._no_decay_pattern and name and self._no_decay_pattern.search(name))

    def _slots(self, variable: Any, x: Any) -> dict:
        entry = self._state.get(id(variable))
        if entry is None:
            # Holding the variable keeps its id from being reused by another object.
            entry = self._state[id(variable)] = (variable, self.build_slots(x), x.shape, x)
        elif entry[2] != x.shape:
            raise ValueError(
                f"{type(self).__name__}: a variable changed shape from {entry[2]} "
                f"to {x.shape} since its first update. Use a new optimiser after "
                "rebuilding a model."
            )
        return entry[1]

    def _scratch(self, x: Any, k: int = 0) -> Any:
        """A reusable work array shaped like ``x`` (updates run one variable at a time, so one
        buffer per shape and dtype serves them all: no allocation per step)."""
        key = (x.shape, x.dtype, type(x), k)  # the dtype object hashes faster than its .str
        buf = self._scratch_buffers.get(key)
        if buf is None:
            buf = self._scratch_buffers[key] = np.empty_like(x)
        return buf

    # ----- what subclasses implement ----------------------------------------------------
    def build_slots(self, x: Any) -> dict:
        """The state of one variable, created before its first update (none by default)."""
        return {}

    def _prepare_step(self) -> None:
        """Per-update work shared by all variables (Nadam's running product); none by default."""

    def update_step(self, gradient: Any, x: Any, learning_rate: float, slots: dict) -> None:
        """Update the array ``x`` in place from ``gradient``; ``slots`` is its state."""
        raise NotImplementedError(f"{type(self).__name__} must implement update_step.")

    # ----- config -----------------------------------------------------------------------
    def get_config(self) -> dict:
        """Hyperparameters as a JSON-friendly dict with Keras 3's keys (no state)."""
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            lr = schedules.serialize(lr)
        elif callable(lr):
            raise TypeError(
                f"{type(self).__name__}.get_config: a plain callable learning rate "
                "cannot be saved. Use a LearningRateSchedule subclass with "
                "get_config() instead."
            )
        return {
            "name": self.name,
            "learning_rate": lr,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config: dict) -> Optimizer:
        """A new optimiser (without state) from ``get_config()``'s dict."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"])
        return cls(**config)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, learning_rate={self._learning_rate!r})"

    # ----- state (saving and resuming) --------------------------------------------------
    # Per-update scalars that some optimisers keep besides their slots (Nadam's running Π).
    _STATE_SCALARS = ("_u_product",)

    def get_state(self, variables: list) -> dict:
        """The state needed to resume training, as named NumPy arrays (copies):
        'iterations', then '{i}/{slot}' for each slot of ``variables[i]`` (e.g. '0/momentum',
        '0/velocity' for Adam) and any per-update scalar. Keras 3 keeps the same in
        ``optimizer.variables``.

        Example:
            >>> from neurona.optimizers import Adam
            >>> x = np.array([1.0]); opt = Adam(); opt.apply([np.array([0.5])], [x])
            >>> sorted(opt.get_state([x])), int(opt.get_state([x])["iterations"])
            (['0/momentum', '0/velocity', 'iterations'], 1)
        """
        return _state.get_state(self, variables)

    def set_state(self, variables: list, state: dict) -> None:
        """Restore what ``get_state(variables)`` returned (same variables in the same order),
        so that the next update is the one the saved optimiser would have made.

        Raises:
            ValueError: when the names or shapes do not match these variables (the message
                lists the differences).

        Example:
            >>> from neurona.optimizers import Adam
            >>> x = np.array([1.0]); opt = Adam(); opt.apply([np.array([0.5])], [x])
            >>> y = x.copy(); new = Adam(); new.set_state([y], opt.get_state([x]))
            >>> opt.apply([np.array([0.5])], [x]); new.apply([np.array([0.5])], [y]); x == y
            array([ True])
        """
        _state.set_state(self, variables, state)
