"""Side lab: XOR, the problem a single perceptron cannot solve (Minsky & Papert, 1969), solved
by a 2-4-1 network trained with nothing but the autodiff engine and plain gradient descent.

    h = tanh(x W₁ + b₁)        ŷ = σ(h W₂ + b₂)        L = (1/4) Σ (ŷ − y)²
    W ← W − η ∂L/∂W  for every weight (∂L/∂W from one reverse sweep)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import neurona as nr
from neurona import functional as F

NAME = "xor-autodiff"
DESCRIPTION = "a 2-4-1 network learns XOR with the bare autodiff engine (the demo)"

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
Y = np.array([[0], [1], [1], [0]], dtype=np.float32)


@dataclass
class XorResult:
    """What :func:`run` returns: the loss per epoch and the four final predictions.

    Example:
        >>> XorResult(losses=[0.3, 0.1], predictions=np.zeros((4, 1))).losses[-1]
        0.1
    """

    losses: list
    predictions: np.ndarray


def run(epochs: int = 2000, learning_rate: float = 1.0, hidden: int = 4, seed: int = 1,
        report_every: int = 0, print_fn=print) -> XorResult:
    """Train the 2-``hidden``-1 network on XOR by full-batch gradient descent.

    NOTE: XOR's loss surface has poor local minima: some initial weights (seed 0 here) stall at
    loss ≈ 0.125 with two inputs predicted 0.5. That is the problem, not the engine (PyTorch
    from the same weights stalls the same way); another seed or more hidden units escape it.

    Args:
        epochs: number of gradient steps (one per epoch: the batch is the 4 rows).
        learning_rate: η.
        hidden: number of tanh hidden units.
        seed: seed of the initial weights.
        report_every: print the loss every so many epochs (0: silent).
        print_fn: where reports go.

    Returns:
        An :class:`XorResult` with the loss history and the predictions for the 4 inputs.

    Example:
        >>> result = run(epochs=1500, seed=1)
        >>> bool((result.predictions.round().ravel() == [0, 1, 1, 0]).all())
        True
    """
    rng = np.random.default_rng(seed)
    W1 = nr.tensor(rng.normal(0, 1, size=(2, hidden)), requires_grad=True, dtype="float32")
    b1 = nr.tensor(np.zeros(hidden), requires_grad=True, dtype="float32")
    W2 = nr.tensor(rng.normal(0, 1, size=(hidden, 1)), requires_grad=True, dtype="float32")
    b2 = nr.tensor(np.zeros(1), requires_grad=True, dtype="float32")
    params = [W1, b1, W2, b2]
    losses = []
    for epoch in range(1, epochs + 1):
        y_hat = F.sigmoid(F.tanh(X @ W1 + b1) @ W2 + b2)
        loss = ((y_hat - Y) ** 2).mean()
        for p in params:
            p.grad = None
        loss.backward()
        with nr.no_grad():
            for p in params:
                p.data -= learning_rate * p.grad
        losses.append(loss.item())
        if report_every and (epoch % report_every == 0 or epoch == 1):
            print_fn(f"epoch {epoch:5d}   loss {loss.item():.6f}")
    with nr.no_grad():
        predictions = F.sigmoid(F.tanh(X @ W1 + b1) @ W2 + b2).numpy()
    return XorResult(losses=losses, predictions=predictions)
