"""Floor 1: numeric gradient checking. Compares the engine's derivatives, reverse mode and forward
mode, with float64 central differences,

    ∂L/∂xᵢ ≈ (L(x + ε eᵢ) − L(x − ε eᵢ)) / 2ε,

and reports the worst element, so a wrong backward or jvp rule is caught and located."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from neurona.autodiff.forward import jvp
from neurona.autodiff.graph import no_grad
from neurona.autodiff.tensor import Tensor


@dataclass
class GradcheckReport:
    """The outcome of :func:`gradcheck`: ``ok`` and the worst element found.

    Attributes:
        ok: True when every derivative matched within ``atol + rtol·|numeric|``.
        worst: where the largest relative mismatch was: mode ('reverse' or 'forward'), input,
            index, analytic and numeric values.
        failures: how many elements were outside the tolerance.

    Example:
        >>> GradcheckReport(ok=True).ok
        True
    """

    ok: bool
    worst: dict = field(default_factory=dict)
    failures: int = 0

    def __str__(self) -> str:
        if not self.worst:
            return "gradcheck: no differentiable inputs were checked"
        w = self.worst
        verdict = "ok" if self.ok else f"FAILED at {self.failures} element(s)"
        return (
            f"gradcheck {verdict}; worst element: {w['mode']} mode, input {w['input']}, index "
            f"{w['index']}: analytic {w['analytic']:.10g} vs numeric {w['numeric']:.10g} "
            f"(|difference| {abs(w['analytic'] - w['numeric']):.3g})"
        )

    __repr__ = __str__


class _Tracker:
    """Keeps the worst mismatch seen so far across modes and inputs."""

    def __init__(self, rtol: float, atol: float) -> None:
        self.rtol, self.atol = rtol, atol
        self.failures, self.worst_score, self.worst = 0, -1.0, {}

    def compare(self, mode: str, i: int, analytic: np.ndarray, numeric: np.ndarray) -> None:
        analytic = np.broadcast_to(np.asarray(analytic, dtype=np.float64), numeric.shape)
        allowed = self.atol + self.rtol * np.abs(numeric)
        with np.errstate(invalid="ignore"):
            score = np.abs(analytic - numeric) / allowed
        score = np.where(np.isnan(score), np.inf, score)
        self.failures += int((score > 1).sum())
        if score.size and score.max() > self.worst_score:
            j = np.unravel_index(int(np.argmax(score)), score.shape)
            self.worst_score = float(score[j])
            self.worst = {
                "mode": mode,
                "input": i,
                "index": tuple(int(k) for k in j),
                "analytic": float(analytic[j]),
                "numeric": float(numeric[j]),
            }


def _numeric_vjp(f: Callable, xs: list, i: int, cotangent: np.ndarray, eps: float) -> np.ndarray:
    """∂(Σ f(x) ⊙ r)/∂xs[i] by central differences, one element at a time."""
    x = xs[i]
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    with no_grad():
        for j in range(flat.size):
            old = flat[j]
            flat[j] = old + eps
            plus = float((f(*[Tensor(a) for a in xs]).data * cotangent).sum())
            flat[j] = old - eps
            minus = float((f(*[Tensor(a) for a in xs]).data * cotangent).sum())
            flat[j] = old
            gflat[j] = (plus - minus) / (2 * eps)
    return grad


def _numeric_jvp(f: Callable, xs: list, i: int, direction: np.ndarray, eps: float) -> np.ndarray:
    """(f(x + ε v) − f(x − ε v)) / 2ε with v moving input i only."""
    with no_grad():
        plus = [Tensor(a + eps * direction) if k == i else Tensor(a) for k, a in enumerate(xs)]
        minus = [Tensor(a - eps * direction) if k == i else Tensor(a) for k, a in enumerate(xs)]
        return (f(*plus).data - f(*minus).data) / (2 * eps)


def gradcheck(
    f: Callable,
    inputs: list,
    eps: float = 1e-6,
    rtol: float = 1e-4,
    atol: float = 1e-6,
    check_forward: bool = True,
    seed: int = 0,
) -> GradcheckReport:
    """Check reverse-mode (and forward-mode) derivatives of ``f`` against central differences.

    The inputs are cast to float64. For an output of any shape, reverse mode is checked on the
    scalar Σ f(x) ⊙ r with a random cotangent r (so every Jacobian entry matters), element by
    element; forward mode along one random direction per input.

    Args:
        f: a function of tensors returning one tensor.
        inputs: the point, a list of arrays (or numbers), one per argument of ``f``.
        eps: the finite-difference step.
        rtol, atol: the tolerance, |analytic − numeric| ≤ atol + rtol·|numeric|.
        check_forward: also check the jvp rules (forward mode).
        seed: seed of the random cotangent and directions.

    Returns:
        A :class:`GradcheckReport`; ``assert report.ok, report`` prints the worst element.

    Example:
        >>> report = gradcheck(lambda x: x * x, [np.array([1.0, -2.0])])
        >>> report.ok
        True
    """
    rng = np.random.default_rng(seed)
    xs = [np.array(x.data if isinstance(x, Tensor) else x, dtype=np.float64) for x in inputs]
    leaves = [Tensor(a.copy(), requires_grad=True) for a in xs]
    out = f(*leaves)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck(): f must return a tensor, got {type(out).__name__}.")
    tracker = _Tracker(rtol, atol)
    cotangent = rng.standard_normal(out.shape)
    if out.requires_grad:
        out.backward(cotangent)
    for i, leaf in enumerate(leaves):
        analytic = leaf.grad if leaf.grad is not None else np.zeros_like(xs[i])
        tracker.compare("reverse", i, analytic, _numeric_vjp(f, xs, i, cotangent, eps))
    if check_forward:
        for i in range(len(xs)):
            direction = rng.standard_normal(xs[i].shape)
            tangents = [direction if k == i else np.zeros_like(a) for k, a in enumerate(xs)]
            _, out_dot = jvp(f, tuple(xs), tuple(tangents))
            tracker.compare("forward", i, out_dot.data, _numeric_jvp(f, xs, i, direction, eps))
    return GradcheckReport(ok=tracker.failures == 0, worst=tracker.worst, failures=tracker.failures)
