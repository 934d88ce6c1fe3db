"""CNN benchmark: neurona vs PyTorch (CPU) in the same process, one epoch after warm-up.

Model (issue 5): Conv2D 32 3×3 relu → MaxPool 2 → Conv2D 64 3×3 relu → MaxPool 2 → Flatten →
Dense 128 relu → Dense 10 (softmax / cross-entropy), Adam(1e-3), batch 64, on the first 10,000
Fashion-MNIST training images (scaled to [0, 1], float32); test accuracy on the 10,000 test
images is printed next to each time.

neurona trains with ``model.fit``; PyTorch with a plain loop (NCHW, nn.Sequential, Adam).
Each library gets a warm-up epoch on a fresh model first (not timed), then ``--repeats`` timed
epochs alternating between the libraries, each on a fresh model; the wall-clock min and median,
the median CPU time of the process and the ratios of the medians are printed (below 1: neurona is
faster). On a loaded machine the CPU time is the steadier figure.

Run: .venv/bin/python benchmarks/bench_cnn.py [--threads 1] [--repeats 3] [--profile]
``--threads N`` sets both libraries' BLAS/intra-op threads (NumPy's through threadpoolctl).
``--profile`` prints neurona's cProfile top functions for one epoch.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import neurona as nr
from neurona import datasets, layers, models

N_TRAIN, BATCH = 10_000, 64


def load():
    (x, y), (xt, yt) = datasets.load_fashion_mnist()
    scale = np.float32(1 / 255)
    x = (x[:N_TRAIN, :, :, None] * scale).astype(np.float32)
    xt = (xt[:, :, :, None] * scale).astype(np.float32)
    return x, y[:N_TRAIN].astype(np.int64), xt, yt.astype(np.int64)


def neurona_model():
    model = models.Sequential(
        [
            layers.Input((28, 28, 1)),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(10),
        ]
    )
    model.compile(
        optimizer="adam",
        loss=nr.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def neurona_epoch(x, y, xt, yt):
    model = neurona_model()
    t0 = time.perf_counter()
    model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
    seconds = time.perf_counter() - t0
    accuracy = float(np.mean(np.argmax(model.predict(xt, batch_size=1000, verbose=0), -1) == yt))
    return seconds, accuracy


def torch_epoch(torch, x, y, xt, yt):
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
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    X = torch.from_numpy(x.transpose(0, 3, 1, 2).copy())
    Y = torch.from_numpy(y)
    t0 = time.perf_counter()
    order = torch.randperm(len(X))
    for start in range(0, len(X), BATCH):
        idx = order[start : start + BATCH]
        optimizer.zero_grad()
        loss = loss_fn(model(X[idx]), Y[idx])
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - t0
    with torch.no_grad():
        logits = model(torch.from_numpy(xt.transpose(0, 3, 1, 2).copy()))
    accuracy = float((logits.argmax(1).numpy() == yt).mean())
    return seconds, accuracy


def clocked(run):
    """(wall seconds, CPU seconds of this process, test accuracy) of one timed epoch."""
    cpu = time.process_time()
    seconds, accuracy = run()
    return seconds, time.process_time() - cpu, accuracy


def compare(runs: dict, repeats: int) -> dict:
    """Warm up each library once, then alternate their timed epochs (a load that comes and goes
    on a shared machine then hits both alike)."""
    for run in runs.values():
        run()
    results = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            results[name].append(clocked(run))
    return results


def profile(x, y):
    import cProfile
    import pstats

    model = neurona_model()
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
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(args.threads)
    nr.utils.set_random_seed(0)
    torch.manual_seed(0)
    x, y, xt, yt = load()
    with threadpool_limits(args.threads):
        if args.profile:
            profile(x, y)
            return
        results = compare(
            {
                "neurona": lambda: neurona_epoch(x, y, xt, yt),
                "pytorch": lambda: torch_epoch(torch, x, y, xt, yt),
            },
            args.repeats,
        )
    print(
        f"CNN on {N_TRAIN} Fashion-MNIST images, batch {BATCH}, {args.threads} thread(s), "
        f"one epoch after warm-up, {args.repeats} alternating runs each:"
    )
    medians = {}
    for name, runs in results.items():
        wall, cpu = [r[0] for r in runs], [r[1] for r in runs]
        medians[name] = (statistics.median(wall), statistics.median(cpu))
        print(
            f"  {name:8s} wall min {min(wall):6.2f} s, median {medians[name][0]:6.2f} s;  "
            f"CPU median {medians[name][1]:6.2f} s;  test accuracy {runs[-1][2]:.4f}"
        )
    ratio_wall = medians["neurona"][0] / medians["pytorch"][0]
    ratio_cpu = medians["neurona"][1] / medians["pytorch"][1]
    print(f"  ratio neurona / pytorch (medians): wall {ratio_wall:.2f}, CPU {ratio_cpu:.2f}")


if __name__ == "__main__":
    main()
