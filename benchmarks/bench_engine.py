"""Engine benchmark: neurona vs PyTorch (CPU) in the same process, printed as ratios.

1. Per-op overhead: a chain of 200 small elementwise ops on a (4,) float32 tensor, forward +
   backward (what the Python bookkeeping of one node costs).
2. A 4-layer MLP 784-256-256-256-10 (ReLU) forward + backward on a 256×784 float32 batch:
   neurona's fused dense nodes, neurona's unfused ops (x @ W + b, relu), and torch.nn.Linear.

Run: .venv/bin/python benchmarks/bench_engine.py [--repeats 30] [--threads 1]
A ratio below 1 means neurona is faster. ``--threads N`` sets both libraries' BLAS/intra-op
threads (NumPy's through threadpoolctl): on a 2-core machine with anything else running,
multi-threaded BLAS collapses (seen here: a 256×784×256 float32 product took 32 ms with two
threads under load vs 1.4 ms with one), so compare at a fixed thread count.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import neurona as nr
from neurona import functional as F


def best_of(fn, repeats: int) -> float:
    """Median of ``repeats`` timings (seconds) after two warm-up calls."""
    fn()
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def chain_neurona(n_ops: int):
    x = nr.tensor(np.ones(4, dtype=np.float32), requires_grad=True)

    def step():
        y = x
        for _ in range(n_ops // 2):
            y = y * 1.0001
            y = y + 0.001
        y.sum().backward()
        x.grad = None

    return step


def chain_torch(torch, n_ops: int):
    x = torch.ones(4, requires_grad=True)

    def step():
        y = x
        for _ in range(n_ops // 2):
            y = y * 1.0001
            y = y + 0.001
        y.sum().backward()
        x.grad = None

    return step


SIZES = [784, 256, 256, 256, 10]


def mlp_weights(rng):
    return [
        (
            rng.normal(0, (2 / a) ** 0.5, size=(a, b)).astype(np.float32),
            np.zeros(b, dtype=np.float32),
        )
        for a, b in zip(SIZES[:-1], SIZES[1:])
    ]


def mlp_neurona(weights, x, fused: bool):
    params = [
        (nr.tensor(W, requires_grad=True), nr.tensor(b, requires_grad=True)) for W, b in weights
    ]
    xt = nr.tensor(x)

    def step():
        h = xt
        for i, (W, b) in enumerate(params):
            act = "relu" if i < len(params) - 1 else None
            if fused:
                h = F.dense(h, W, b, activation=act)
            else:
                h = h @ W + b
                h = F.relu(h) if act else h
        (h * h).mean().backward()
        for W, b in params:
            W.grad = b.grad = None

    return step


def mlp_torch(torch, weights, x):
    layers = []
    for W, b in weights:
        lin = torch.nn.Linear(*W.shape)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W.T.copy()))
            lin.bias.copy_(torch.from_numpy(b))
        layers.append(lin)
    xt = torch.from_numpy(x)

    def step():
        h = xt
        for i, lin in enumerate(layers):
            h = lin(h)
            if i < len(layers) - 1:
                h = torch.relu(h)
        (h * h).mean().backward()
        for lin in layers:
            lin.weight.grad = lin.bias.grad = None

    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--threads", type=int, default=0, help="BLAS threads (0: library default)")
    args = parser.parse_args()
    import torch

    if args.threads:
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.threads)
        torch.set_num_threads(args.threads)

    print(f"torch {torch.__version__} threads={torch.get_num_threads()}, numpy {np.__version__}")
    n_ops = 200
    t_nr = best_of(chain_neurona(n_ops), args.repeats)
    t_th = best_of(chain_torch(torch, n_ops), args.repeats)
    print(
        f"per-op overhead (fwd+bwd, {n_ops} ops): neurona {t_nr / n_ops * 1e6:6.2f} µs/op, "
        f"torch {t_th / n_ops * 1e6:6.2f} µs/op, ratio {t_nr / t_th:.2f}"
    )

    rng = np.random.default_rng(0)
    weights = mlp_weights(rng)
    x = rng.normal(size=(256, 784)).astype(np.float32)
    t_th = best_of(mlp_torch(torch, weights, x), args.repeats)
    for label, fused in (("fused dense", True), ("unfused ops", False)):
        t_nr = best_of(mlp_neurona(weights, x, fused), args.repeats)
        print(
            f"MLP 784-256-256-256-10 fwd+bwd, batch 256, {label}: neurona "
            f"{t_nr * 1e3:6.2f} ms, torch {t_th * 1e3:6.2f} ms, ratio {t_nr / t_th:.2f}"
        )


if __name__ == "__main__":
    main()
