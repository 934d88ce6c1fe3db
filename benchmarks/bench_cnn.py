"""CNN benchmark: neurona vs PyTorch (CPU) vs Keras 3 on JAX in the same process, one epoch after
warm-up (issues 5 and 15).

Model: Conv2D 32 3×3 relu → MaxPool 2 → Conv2D 64 3×3 relu → MaxPool 2 → Flatten → Dense 128
relu → Dense 10 (logits, cross-entropy), Adam(1e-3), batch 64, running accuracy reported by each
(neurona and Keras: ``metrics=["accuracy"]``; PyTorch: counted in its loop, the usual way), on the
first ``--subset`` Fashion-MNIST training images (default 2,000; ``--full`` for the issue's
10,000), scaled to [0, 1], float32; test accuracy on the 10,000 test images next to each time.
The three start from the same weights (neurona's Glorot-uniform initialisation, copied across
layouts: PyTorch's kernels are (out, in, kh, kw) and it flattens channels first, so the first
Dense's rows are permuted from Keras's (h, w, c) order to (c, h, w)).

neurona and Keras train with ``model.fit`` (channels last); PyTorch with a plain loop (NCHW,
nn.Sequential, Adam). Each library gets a warm-up first (not timed; Keras compiles then), then
``--repeats`` timed epochs alternating between the libraries, each from the initial weights; the
wall-clock min and median, the median CPU time of the process and the ratios of the medians are
printed (below 1: neurona is faster). On a loaded machine the CPU time is the steadier figure.

Run: .venv/bin/python benchmarks/bench_cnn.py [--threads 1] [--repeats 3] [--full] [--no-keras]
     [--profile]
``--threads N`` sets the libraries' BLAS/intra-op threads (NumPy's through threadpoolctl, XLA's
flags for 1). ``--profile`` prints neurona's cProfile top functions for one epoch.
Goal (issue 15): neurona ≤ 0.75× PyTorch and faster than Keras/JAX.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import neurona as nr
from neurona import datasets

BATCH = 64


def load(subset: int):
    (x, y), (xt, yt) = datasets.load_fashion_mnist()
    scale = np.float32(1 / 255)
    x = (x[:subset, :, :, None] * scale).astype(np.float32)
    xt = (xt[:, :, :, None] * scale).astype(np.float32)
    return x, y[:subset].astype(np.int64), xt, yt.astype(np.int64)


def build(module):
    """The CNN in neurona's or Keras's layers (the same names and arguments)."""
    return module.models.Sequential(
        [
            module.layers.Input((28, 28, 1)),
            module.layers.Conv2D(32, 3, activation="relu"),
            module.layers.MaxPooling2D(2),
            module.layers.Conv2D(64, 3, activation="relu"),
            module.layers.MaxPooling2D(2),
            module.layers.Flatten(),
            module.layers.Dense(128, activation="relu"),
            module.layers.Dense(10),
        ]
    )


def neurona_model(weights):
    model = build(nr)
    model.compile(
        optimizer="adam",
        loss=nr.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.set_weights([w.copy() for w in weights])
    return model


def initial_weights(seed: int) -> list[np.ndarray]:
    nr.utils.set_random_seed(seed)
    model = build(nr)
    model.build((None, 28, 28, 1))
    return model.get_weights()


def accuracy(scores, y) -> float:
    return float(np.mean(np.argmax(scores, -1) == y))


def neurona_epoch(weights, x, y, xt, yt, seed):
    nr.utils.set_random_seed(seed)
    model = neurona_model(weights)
    t0, cpu = time.perf_counter(), time.process_time()
    model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu
    return seconds, cpu, accuracy(model.predict(xt, batch_size=1000, verbose=0), yt)


def torch_model(torch, weights):
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(64 * 5 * 5, 128),
        nn.ReLU(),
        nn.Linear(128, 10),
    )
    k1, b1, k2, b2, d1, c1, d2, c2 = weights
    d1 = d1.reshape(5, 5, 64, 128).transpose(2, 0, 1, 3).reshape(64 * 5 * 5, 128)  # (h,w,c)→(c,h,w)
    values = [k1.transpose(3, 2, 0, 1), b1, k2.transpose(3, 2, 0, 1), b2, d1.T, c1, d2.T, c2]
    with torch.no_grad():
        for param, value in zip(model.parameters(), values):
            param.copy_(torch.from_numpy(np.ascontiguousarray(value)))
    return model


def torch_epoch(torch, weights, x, y, xt, yt, seed):
    torch.manual_seed(seed)
    model = torch_model(torch, weights)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()
    X = torch.from_numpy(x.transpose(0, 3, 1, 2).copy())
    Y = torch.from_numpy(y)
    t0, cpu = time.perf_counter(), time.process_time()
    order = torch.randperm(len(X))
    correct = 0
    for start in range(0, len(X), BATCH):
        idx = order[start : start + BATCH]
        optimizer.zero_grad()
        logits = model(X[idx])
        loss = loss_fn(logits, Y[idx])
        loss.backward()
        optimizer.step()
        correct += (logits.argmax(dim=1) == Y[idx]).sum().item()  # the running accuracy
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu
    with torch.no_grad():
        logits = model(torch.from_numpy(xt.transpose(0, 3, 1, 2).copy()))
    return seconds, cpu, accuracy(logits.numpy(), yt)


def keras_epoch(runner, x, y, xt, yt, seed):
    seconds, cpu = runner.fit(x, y, BATCH, seed)
    return seconds, cpu, accuracy(runner.scores(xt), yt)


def compare(runs: dict, repeats: int) -> dict:
    """Alternate the libraries' timed epochs (a load that comes and goes on a shared machine
    then hits them alike): (wall seconds, CPU seconds of the process, test accuracy) each."""
    results = {name: [] for name in runs}
    for r in range(repeats):
        for name, run in runs.items():
            results[name].append(run(r))
    return results


def profile(weights, x, y):
    import cProfile
    import pstats

    model = neurona_model(weights)
    model.fit(x[:640], y[:640], batch_size=BATCH, epochs=1, verbose=0)
    profiler = cProfile.Profile()
    profiler.enable()
    model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(18)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--subset", type=int, default=2_000)
    parser.add_argument("--full", action="store_true", help="10,000 images (the issue's size)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-keras", action="store_true", help="leave Keras/JAX out")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    keras = None
    if not (args.no_keras or args.profile):
        from _keras import KerasRun, setup

        keras = setup(args.threads)  # before torch: XLA's thread flags must come first
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(args.threads)
    x, y, xt, yt = load(10_000 if args.full else args.subset)
    weights = initial_weights(args.seed)
    with threadpool_limits(args.threads):
        if args.profile:
            profile(weights, x, y)
            return
        runs = {
            "neurona": lambda r: neurona_epoch(weights, x, y, xt, yt, args.seed + r),
            "pytorch": lambda r: torch_epoch(torch, weights, x, y, xt, yt, args.seed + r),
        }
        if keras is not None:
            runner = KerasRun(
                keras,
                lambda: build(keras),
                weights,
                metrics=["accuracy"],
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            )
            runs["keras"] = lambda r: keras_epoch(runner, x, y, xt, yt, args.seed + r)
        n_warm = 2 * BATCH + len(x) % BATCH  # the epoch's batch shapes (Keras compiles them)
        xw, yw, xtw, ytw = x[:n_warm], y[:n_warm], xt[:500], yt[:500]
        warm_ups = {
            "neurona": lambda: neurona_epoch(weights, xw, yw, xtw, ytw, 0),
            "pytorch": lambda: torch_epoch(torch, weights, xw, yw, xtw, ytw, 0),
            "keras": lambda: keras_epoch(runner, xw, yw, xtw, ytw, 0),
        }
        for name in runs:
            warm_ups[name]()
        results = compare(runs, args.repeats)
    print(
        f"CNN on {len(x)} Fashion-MNIST images, batch {BATCH}, {args.threads} thread(s), "
        f"one epoch after warm-up, {args.repeats} alternating runs each:"
    )
    medians = {}
    for name, runs_ in results.items():
        wall, cpu = [r[0] for r in runs_], [r[1] for r in runs_]
        medians[name] = (statistics.median(wall), statistics.median(cpu))
        print(
            f"  {name:8s} wall min {min(wall):6.2f} s, median {medians[name][0]:6.2f} s;  "
            f"CPU median {medians[name][1]:6.2f} s;  test accuracy {runs_[-1][2]:.4f}"
        )
    for other, goal in (("pytorch", "goal ≤ 0.75"), ("keras", "goal < 1")):
        if other in medians:
            ratio_wall = medians["neurona"][0] / medians[other][0]
            ratio_cpu = medians["neurona"][1] / medians[other][1]
            print(
                f"  ratio neurona / {other} (medians): wall {ratio_wall:.2f}, "
                f"CPU {ratio_cpu:.2f}   {goal}"
            )


if __name__ == "__main__":
    main()
