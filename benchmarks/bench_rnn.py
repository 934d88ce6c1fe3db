"""Recurrent benchmark: one epoch of a recurrent layer of 128 units → Dense(10) on Fashion-MNIST
rows as sequences (28 steps × 28 features): neurona's ``model.fit``, a plain PyTorch CPU loop and
Keras 3 on JAX (``model.fit``), in the same process (issues 5 and 15).

Cells: ``lstm`` (LSTM), ``gru`` (GRU, Keras's default reset_after=True, PyTorch's formula),
``gru-before`` (GRU(reset_after=False), the course's formula; PyTorch has no such variant, so its
column is ``nn.GRU`` from the same kernels with zero recurrent biases, and the accuracies compare
only roughly), ``simplernn`` (SimpleRNN, tanh).

Data: the first ``--subset`` training images (default 2,000; ``--full`` for 10,000, the issue's
size), x / 255 as float32, shape (n, 28, 28) read as (batch, time, features); test accuracy on the
10,000 test images. Batch 64, Adam(1e-3), sparse categorical cross-entropy on logits / softmax.
The three libraries start from the same weights (Keras's initialisation: Glorot-uniform kernels,
orthogonal recurrent kernels, unit forget bias), copied across layouts (PyTorch: Wᵀ, Uᵀ, gate
order i, f, g, o for the LSTM and r, z, n for the GRU, two biases).

- neurona: ``Sequential([Input((28, 28)), LSTM(128), Dense(10, activation="softmax")])``,
  ``fit(batch_size=64, epochs=1, shuffle=True, verbose=0)``.
- PyTorch: ``nn.LSTM``/``nn.GRU``/``nn.RNN`` (batch_first) + ``nn.Linear``, ``CrossEntropyLoss``
  on logits, ``Adam(eps=1e-7)``, index batching, ``loss.item()`` per step.
- Keras/JAX: the same Sequential model, compiled once (``benchmarks/_keras.py``).

Run:
    .venv/bin/python benchmarks/bench_rnn.py               # all cells, 2,000 sequences, 3 repeats
    .venv/bin/python benchmarks/bench_rnn.py --full --repeats 5   # the issue's 10,000 sequences
    .venv/bin/python benchmarks/bench_rnn.py --cells lstm --no-keras
    .venv/bin/python benchmarks/bench_rnn.py --cells gru --profile   # cProfile of one epoch
    .venv/bin/python benchmarks/bench_rnn.py --compete 1   # with another NumPy job running

Times are per epoch (seconds), wall clock and CPU time of the process, min and median over
``--repeats`` runs, after a warm-up, the libraries interleaved (a load from other processes then
hits them alike; on a loaded machine the CPU time is the steadier figure). ``--threads N`` sets
NumPy's BLAS threads (threadpoolctl), PyTorch's intra-op threads and XLA's (default 1; 0 keeps the
libraries' defaults). Goal (issue 15): neurona ≤ 1.0× PyTorch and faster than Keras/JAX.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time

import numpy as np
from _load import competing, describe

import neurona as nr
from neurona import layers, models, optimizers

UNITS, CLASSES, STEPS, FEATURES = 128, 10, 28, 28
CELLS = {  # name: (layer class name, keyword arguments, PyTorch module)
    "lstm": ("LSTM", {}, "LSTM"),
    "gru": ("GRU", {}, "GRU"),
    "gru-before": ("GRU", {"reset_after": False}, "GRU"),
    "simplernn": ("SimpleRNN", {}, "RNN"),
}


def load_data(subset: int):
    (x, y), (x_test, y_test) = nr.datasets.load_fashion_mnist()
    x = (x[:subset] / np.float32(255)).astype(np.float32).reshape(-1, STEPS, FEATURES)
    x_test = (x_test / np.float32(255)).astype(np.float32).reshape(-1, STEPS, FEATURES)
    return x, y[:subset].astype(np.int64), x_test, y_test.astype(np.int64)


def recurrent_layer(module, cell: str):
    name, kwargs, _ = CELLS[cell]
    return getattr(module, name)(UNITS, **kwargs)


def initial_weights(cell: str, seed: int) -> list[np.ndarray]:
    """Keras's get_weights() order: kernel, recurrent_kernel, bias, dense kernel, dense bias."""
    nr.utils.set_random_seed(seed)
    layer, dense = recurrent_layer(layers, cell), layers.Dense(CLASSES)
    dense(layer(np.zeros((1, STEPS, FEATURES), dtype=np.float32)))
    return layer.get_weights() + dense.get_weights()


def accuracy(scores: np.ndarray, y: np.ndarray) -> float:
    return float((scores.argmax(axis=1) == y).mean())


def neurona_model(cell, weights):
    model = models.Sequential(
        [
            layers.Input((STEPS, FEATURES)),
            recurrent_layer(layers, cell),
            layers.Dense(CLASSES, activation="softmax"),
        ]
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
    t0, cpu = time.perf_counter(), time.process_time()
    model.fit(x, y, batch_size=batch, epochs=1, verbose=0, shuffle=True)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu
    return seconds, cpu, accuracy(model.predict(x_test, batch_size=1000, verbose=0), y_test)


def _torch_order(cell: str, m: np.ndarray) -> np.ndarray:
    """Keras's gate columns → PyTorch's rows: LSTM i,f,c,o = i,f,g,o; GRU z,r,h → r,z,n."""
    if not cell.startswith("gru"):
        return m
    u = UNITS
    return np.concatenate([m[..., u : 2 * u], m[..., :u], m[..., 2 * u :]], axis=-1)


def torch_net(torch, cell, weights):
    W, U, b, Wd, bd = weights
    module = getattr(torch.nn, CELLS[cell][2])
    rnn = module(FEATURES, UNITS, batch_first=True)
    linear = torch.nn.Linear(UNITS, CLASSES)

    def copy(param, array):
        param.copy_(torch.from_numpy(np.ascontiguousarray(array)))

    with torch.no_grad():
        copy(rnn.weight_ih_l0, _torch_order(cell, W).T)
        copy(rnn.weight_hh_l0, _torch_order(cell, U).T)
        if b.ndim == 2:  # GRU(reset_after=True): input and recurrent biases
            copy(rnn.bias_ih_l0, _torch_order(cell, b[0]))
            copy(rnn.bias_hh_l0, _torch_order(cell, b[1]))
        else:
            copy(rnn.bias_ih_l0, _torch_order(cell, b))
            rnn.bias_hh_l0.zero_()
        copy(linear.weight, Wd.T)
        copy(linear.bias, bd)

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
    t0, cpu = time.perf_counter(), time.process_time()
    total = 0.0
    for start in range(0, len(x), batch):
        index = order[start : start + batch]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(xt[index]), yt[index])
        loss.backward()
        opt.step()
        total += loss.item()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu
    with torch.no_grad():
        scores = net(torch.from_numpy(x_test)).numpy()
    return seconds, cpu, accuracy(scores, y_test)


def keras_runner(keras, cell, weights):
    from _keras import KerasRun

    def build():
        return keras.Sequential(
            [
                keras.Input((STEPS, FEATURES)),
                recurrent_layer(keras.layers, cell),
                keras.layers.Dense(CLASSES, activation="softmax"),
            ]
        )

    return KerasRun(keras, build, weights)


def run_keras(runner, data, batch, seed):
    x, y, x_test, y_test = data
    seconds, cpu = runner.fit(x, y, batch, seed)
    return seconds, cpu, accuracy(runner.scores(x_test), y_test)


def summary(name: str, runs: list) -> str:
    wall, cpu = [r[0] for r in runs], [r[1] for r in runs]
    return (
        f"  {name:8s} epoch wall min {min(wall):6.3f} s  median {statistics.median(wall):6.3f} s"
        f"  CPU median {statistics.median(cpu):6.3f} s  test acc {runs[-1][2] * 100:5.2f} %"
    )


def bench_cell(torch, keras, cell, data, args) -> None:
    weights = initial_weights(cell, args.seed)
    x, y, x_test, y_test = data
    n_warm = 2 * args.batch + len(x) % args.batch  # the epoch's batch shapes, for Keras's jit
    warm = (x[:n_warm], y[:n_warm], x_test[:500], y_test[:500])
    runs = {"neurona": lambda d, s: run_neurona(cell, weights, d, args.batch, s)}
    if torch is not None:
        runs["torch"] = lambda d, s: run_torch(torch, cell, weights, d, args.batch, s)
    if keras is not None:
        runner = keras_runner(keras, cell, weights)
        runs["keras"] = lambda d, s: run_keras(runner, d, args.batch, s)
    for run in runs.values():
        run(warm, args.seed)
    results: dict[str, list] = {name: [] for name in runs}
    for r in range(args.repeats):
        for name, run in runs.items():
            results[name].append(run(data, args.seed + r))
    print(
        f"{CELLS[cell][0]}({UNITS}{', reset_after=False' if cell == 'gru-before' else ''}) → "
        f"Dense({CLASSES}), {len(x)} sequences of {STEPS}×{FEATURES}, batch {args.batch}, "
        f"1 epoch, {args.repeats} repeat(s)"
    )
    for name, runs_ in results.items():
        print(summary(name, runs_))
    med = {k: statistics.median(r[0] for r in v) for k, v in results.items()}
    cpu = {k: statistics.median(r[1] for r in v) for k, v in results.items()}
    for other in [k for k in results if k != "neurona"]:
        print(
            f"  ratio neurona/{other} median wall {med['neurona'] / med[other]:.2f}  "
            f"CPU {cpu['neurona'] / cpu[other]:.2f}   goal ≤ 1.0"
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
    parser.add_argument("--cells", nargs="+", default=list(CELLS), choices=list(CELLS))
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--subset", type=int, default=2_000)
    parser.add_argument("--full", action="store_true", help="10,000 sequences (the issue's size)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (0: defaults)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-keras", action="store_true", help="leave Keras/JAX out")
    parser.add_argument("--profile", action="store_true", help="cProfile one neurona epoch")
    parser.add_argument(
        "--compete", type=int, default=0, help="N competing NumPy processes (benchmarks/_load.py)"
    )
    args = parser.parse_args()
    keras = None
    if not (args.no_keras or args.profile):
        from _keras import setup

        keras = setup(args.threads)  # before torch: XLA's thread flags must come first
    try:
        import torch
    except ImportError:  # the plain install: neurona's times alone
        torch = None

    limits = contextlib.nullcontext()
    if args.threads:
        from threadpoolctl import threadpool_limits

        limits = threadpool_limits(args.threads)
        if torch is not None:
            torch.set_num_threads(args.threads)
    with limits, competing(args.compete):
        print(
            f"numpy {np.__version__}, torch {torch.__version__ if torch else 'not installed'}"
            f"{f', keras {keras.__version__}' if keras else ''}, threads "
            f"{args.threads or 'default'}, {describe(args.compete)}"
        )
        data = load_data(10_000 if args.full else args.subset)
        for cell in args.cells:
            if args.profile:
                profile(cell, data, args)
            else:
                bench_cell(torch, keras, cell, data, args)


if __name__ == "__main__":
    main()
