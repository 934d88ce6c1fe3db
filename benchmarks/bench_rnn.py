"""Recurrent benchmark: one epoch of LSTM(128) → Dense(10) and GRU(128) → Dense(10) on
Fashion-MNIST rows as sequences (28 steps × 28 features), neurona's ``model.fit`` vs a plain
PyTorch CPU loop, in the same process (issue 5).

Data: the first 10,000 training images (``--subset``), x / 255 as float32, shape (n, 28, 28) read
as (batch, time, features); test accuracy on the 10,000 test images. Batch 64, Adam(1e-3),
sparse categorical cross-entropy on logits / softmax. Both libraries start from the same weights
(Keras's initialisation: Glorot-uniform kernels, orthogonal recurrent kernels, unit forget bias),
copied across layouts (PyTorch: Wᵀ, Uᵀ, gate order i, f, g, o for the LSTM and r, z, n for the
GRU, two biases).

- neurona: ``Sequential([Input((28, 28)), LSTM(128), Dense(10, activation="softmax")])``,
  ``fit(batch_size=64, epochs=1, shuffle=True, verbose=0)``.
- PyTorch: ``nn.LSTM``/``nn.GRU`` (batch_first) + ``nn.Linear``, ``CrossEntropyLoss`` on logits,
  ``Adam(eps=1e-7)``, index batching, ``loss.item()`` per step.

Run:
    .venv/bin/python benchmarks/bench_rnn.py                      # LSTM and GRU, 3 repeats
    .venv/bin/python benchmarks/bench_rnn.py --cells lstm --repeats 5 --threads 2
    .venv/bin/python benchmarks/bench_rnn.py --profile            # cProfile of one neurona epoch

Times are per epoch (seconds), min and median over ``--repeats`` runs, after a warm-up, the
libraries interleaved. ``--threads N`` sets NumPy's BLAS threads (threadpoolctl) and PyTorch's
intra-op threads (default 1; 0 keeps the libraries' defaults). Goal: neurona ≤ 1.5× PyTorch.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time

import numpy as np

import neurona as nr
from neurona import layers, models, optimizers

UNITS, CLASSES, STEPS, FEATURES = 128, 10, 28, 28
GATES = {"lstm": 4, "gru": 3}


def load_data(subset: int):
    (x, y), (x_test, y_test) = nr.datasets.load_fashion_mnist()
    x = (x[:subset] / np.float32(255)).astype(np.float32).reshape(-1, STEPS, FEATURES)
    x_test = (x_test / np.float32(255)).astype(np.float32).reshape(-1, STEPS, FEATURES)
    return x, y[:subset].astype(np.int64), x_test, y_test.astype(np.int64)


def initial_weights(cell: str, seed: int) -> list[np.ndarray]:
    """Keras's get_weights() order: kernel, recurrent_kernel, bias, dense kernel, dense bias."""
    nr.utils.set_random_seed(seed)
    layer = layers.LSTM(UNITS) if cell == "lstm" else layers.GRU(UNITS)
    dense = layers.Dense(CLASSES)
    dense(layer(np.zeros((1, STEPS, FEATURES), dtype=np.float32)))
    return layer.get_weights() + dense.get_weights()


def accuracy(scores: np.ndarray, y: np.ndarray) -> float:
    return float((scores.argmax(axis=1) == y).mean())


def neurona_model(cell, weights):
    recurrent = layers.LSTM(UNITS) if cell == "lstm" else layers.GRU(UNITS)
    model = models.Sequential(
        [layers.Input((STEPS, FEATURES)), recurrent, layers.Dense(CLASSES, activation="softmax")]
    )
    model.compile(
        optimizer=optimizers.Adam(learning_rate=1e-3), loss="sparse_categorical_crossentropy"
    )
    model.set_weights([w.copy() for w in weights])
    return model


def run_neurona(cell, weights, data, batch, seed):
    x, y, x_test, y_test = data
    nr.utils.set_random_seed(seed)
    model = neurona_model(cell, weights)
    t0 = time.perf_counter()
    model.fit(x, y, batch_size=batch, epochs=1, verbose=0, shuffle=True)
    seconds = time.perf_counter() - t0
    return seconds, accuracy(model.predict(x_test, batch_size=1000, verbose=0), y_test)


def _torch_order(cell: str, m: np.ndarray) -> np.ndarray:
    """Keras's gate columns → PyTorch's rows: LSTM i,f,c,o = i,f,g,o; GRU z,r,h → r,z,n."""
    if cell == "lstm":
        return m
    u = UNITS
    return np.concatenate([m[..., u : 2 * u], m[..., :u], m[..., 2 * u :]], axis=-1)


def torch_net(torch, cell, weights):
    W, U, b, Wd, bd = weights
    rnn = (torch.nn.LSTM if cell == "lstm" else torch.nn.GRU)(FEATURES, UNITS, batch_first=True)
    linear = torch.nn.Linear(UNITS, CLASSES)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(np.ascontiguousarray(_torch_order(cell, W).T)))
        rnn.weight_hh_l0.copy_(torch.from_numpy(np.ascontiguousarray(_torch_order(cell, U).T)))
        if cell == "lstm":
            rnn.bias_ih_l0.copy_(torch.from_numpy(b))
            rnn.bias_hh_l0.zero_()
        else:
            rnn.bias_ih_l0.copy_(torch.from_numpy(_torch_order(cell, b[0])))
            rnn.bias_hh_l0.copy_(torch.from_numpy(_torch_order(cell, b[1])))
        linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(Wd.T)))
        linear.bias.copy_(torch.from_numpy(bd))

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn, self.linear = rnn, linear

        def forward(self, x):
            out, _ = self.rnn(x)
            return self.linear(out[:, -1])

    return Net()


def run_torch(torch, cell, weights, data, batch, seed):
    x, y, x_test, y_test = data
    torch.manual_seed(seed)
    net = torch_net(torch, cell, weights)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    order = torch.from_numpy(np.random.default_rng(seed).permutation(len(x)))
    t0 = time.perf_counter()
    total = 0.0
    for start in range(0, len(x), batch):
        index = order[start : start + batch]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(xt[index]), yt[index])
        loss.backward()
        opt.step()
        total += loss.item()
    seconds = time.perf_counter() - t0
    with torch.no_grad():
        scores = net(torch.from_numpy(x_test)).numpy()
    return seconds, accuracy(scores, y_test)


def summary(name: str, runs: list) -> str:
    times = [t for t, _ in runs]
    return (
        f"  {name:8s} epoch min {min(times):7.3f} s  median {statistics.median(times):7.3f} s"
        f"  test acc {runs[-1][1] * 100:5.2f} %"
    )


def bench_cell(torch, cell, data, args) -> None:
    weights = initial_weights(cell, args.seed)
    x, y, x_test, y_test = data
    warm = (x[: 20 * args.batch], y[: 20 * args.batch], x_test[:500], y_test[:500])
    run_neurona(cell, weights, warm, args.batch, args.seed)
    run_torch(torch, cell, weights, warm, args.batch, args.seed)
    results: dict[str, list] = {"neurona": [], "torch": []}
    for r in range(args.repeats):
        results["neurona"].append(run_neurona(cell, weights, data, args.batch, args.seed + r))
        results["torch"].append(run_torch(torch, cell, weights, data, args.batch, args.seed + r))
    print(
        f"{cell.upper()}({UNITS}) → Dense({CLASSES}), {len(x)} sequences of {STEPS}×{FEATURES}, "
        f"batch {args.batch}, 1 epoch, {args.repeats} repeat(s)"
    )
    for name, runs in results.items():
        print(summary(name, runs))
    low = {k: min(t for t, _ in v) for k, v in results.items()}
    med = {k: statistics.median(t for t, _ in v) for k, v in results.items()}
    print(
        f"  ratio neurona/torch min {low['neurona'] / low['torch']:.2f}  median "
        f"{med['neurona'] / med['torch']:.2f}   goal ≤ 1.5"
    )


def profile(cell, data, args) -> None:
    import cProfile
    import pstats

    x, y = data[:2]
    model = neurona_model(cell, initial_weights(cell, args.seed))
    model.fit(x[:640], y[:640], batch_size=args.batch, epochs=1, verbose=0)  # warm-up
    profiler = cProfile.Profile()
    profiler.enable()
    model.fit(x, y, batch_size=args.batch, epochs=1, verbose=0, shuffle=True)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(18)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", nargs="+", default=["lstm", "gru"], choices=list(GATES))
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--subset", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (0: defaults)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="cProfile one neurona epoch")
    args = parser.parse_args()
    import torch

    limits = contextlib.nullcontext()
    if args.threads:
        from threadpoolctl import threadpool_limits

        limits = threadpool_limits(args.threads)
        torch.set_num_threads(args.threads)
    with limits:
        print(
            f"numpy {np.__version__}, torch {torch.__version__}, threads "
            f"{args.threads or 'default'} (torch {torch.get_num_threads()})"
        )
        data = load_data(args.subset)
        for cell in args.cells:
            if args.profile:
                profile(cell, data, args)
            else:
                bench_cell(torch, cell, data, args)


if __name__ == "__main__":
    main()
