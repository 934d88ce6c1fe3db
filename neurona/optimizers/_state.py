"""Floor 3 helper of the optimiser base class: saving and resuming its state (the step counter,
each variable's slots and any per-update scalar) as named NumPy arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.optimizers._gradients import array_of

__all__: list[str] = []  # private helpers of Optimizer.get_state / set_state


def get_state(optimizer: Any, variables: list) -> dict:
    """``optimizer.get_state(variables)``: copies of 'iterations', '{i}/{slot}' and scalars."""
    where = f"{type(optimizer).__name__}.get_state"
    state = {"iterations": np.array(optimizer._iterations, dtype=np.int64)}
    for i, v in enumerate(variables):
        for slot, value in optimizer._slots(v, array_of(v, where)).items():
            state[f"{i}/{slot}"] = np.array(value, copy=True)
    for attr in optimizer._STATE_SCALARS:
        if hasattr(optimizer, attr):
            state[attr] = np.array(getattr(optimizer, attr), dtype=np.float64)
    return state


def set_state(optimizer: Any, variables: list, state: dict) -> None:
    """``optimizer.set_state(variables, state)``: check the names and shapes, then copy in."""
    where = f"{type(optimizer).__name__}.set_state"
    optimizer.build(variables)
    expected = {"iterations": ()}
    for i, v in enumerate(variables):
        for slot, value in optimizer._slots(v, array_of(v, where)).items():
            expected[f"{i}/{slot}"] = np.shape(value)
    expected.update({attr: () for attr in optimizer._STATE_SCALARS if hasattr(optimizer, attr)})
    got = {key: np.shape(value) for key, value in state.items()}
    if got != expected:
        missing = sorted(set(expected) - set(got))
        extra = sorted(set(got) - set(expected))
        shapes = sorted(k for k in set(got) & set(expected) if got[k] != expected[k])
        raise ValueError(
            f"{where}: the state does not fit these {len(variables)} variables: "
            f"missing {missing}, unexpected {extra}, wrong shapes "
            f"{[(k, got[k], expected[k]) for k in shapes]}. Pass the variables "
            "in the order get_state was given, to the same kind of optimiser."
        )
    for i, v in enumerate(variables):
        slots = optimizer._slots(v, array_of(v, where))
        for slot in slots:
            slots[slot][...] = state[f"{i}/{slot}"]
    for attr in optimizer._STATE_SCALARS:
        if hasattr(optimizer, attr):
            setattr(optimizer, attr, float(state[attr]))
    optimizer.iterations = int(state["iterations"])
