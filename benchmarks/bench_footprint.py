"""Footprint benchmark: import time and memory of ``import neurona`` vs ``import torch``, and the
peak memory of one Fashion-MNIST-sized training epoch in each (issue 3, "Measured, not asserted").

Every measurement runs in a fresh Python subprocess (nothing imported or cached before it):

1. import: wall time of ``import X`` (min and median over ``--repeats`` fresh processes), the
   resident memory it adds (``ru_maxrss`` after minus before, from ``resource.getrusage``) and
   the Python allocations it makes (``tracemalloc`` peak; PyTorch's C++ allocations are not
   traced, so compare the ru_maxrss column across libraries).
   The tracemalloc figure comes from another fresh process (tracing slows imports severalfold).
2. training (``--train``): the 784-128 (relu) - 10 (softmax) MLP, Adam, batch 32, one epoch on
   ``--samples`` random float32 images (no dataset needed): ru_maxrss of the whole process and
   the tracemalloc peak during the epoch (neurona's arrays are NumPy's, which tracemalloc sees;
   PyTorch's tensors are not traced). The epoch time printed there runs under tracemalloc, so
   it is no speed figure (bench_fit.py is).

Run:
    .venv/bin/python benchmarks/bench_footprint.py [--repeats 5] [--train] [--samples 60000]

ru_maxrss is in KiB on Linux. The import time of ``neurona`` includes NumPy's (neurona needs it);
``numpy`` alone is printed as the baseline.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

IMPORT_PROBE = """
import json, resource, time
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
import {module}
seconds = time.perf_counter() - t0
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": seconds, "rss_kib": after - before, "rss_total_kib": after}}))
"""

# tracemalloc slows every allocation (an import under it takes several times longer), so the
# traced peak comes from a separate process
TRACED_IMPORT_PROBE = """
import json, tracemalloc
tracemalloc.start()
import {module}
print(json.dumps({{"traced_peak": tracemalloc.get_traced_memory()[1]}}))
"""

TRAIN_NEURONA = """
import json, resource, time, tracemalloc
import numpy as np
import neurona as nr
from neurona import layers, models
rng = np.random.default_rng(0)
x = rng.random(({n}, 784), dtype=np.float32); y = rng.integers(0, 10, {n})
model = models.Sequential([layers.Input((784,)), layers.Dense(128, activation="relu"),
                           layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
tracemalloc.start()
t0 = time.perf_counter()
model.fit(x, y, batch_size=32, epochs=1, verbose=0)
seconds = time.perf_counter() - t0
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(json.dumps({{"seconds": seconds, "traced_peak": peak,
                  "rss_total_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
"""

TRAIN_TORCH = """
import json, resource, time, tracemalloc
import numpy as np
import torch
torch.set_num_threads(1)
rng = np.random.default_rng(0)
x = torch.from_numpy(rng.random(({n}, 784), dtype=np.float32))
y = torch.from_numpy(rng.integers(0, 10, {n}))
net = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()
tracemalloc.start()
t0 = time.perf_counter()
order = torch.randperm({n})
for start in range(0, {n}, 32):
    index = order[start:start + 32]
    opt.zero_grad(set_to_none=True)
    loss = loss_fn(net(x[index]), y[index])
    loss.backward()
    opt.step()
seconds = time.perf_counter() - t0
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(json.dumps({{"seconds": seconds, "traced_peak": peak,
                  "rss_total_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
"""


def probe(code: str) -> dict:
    """Run ``code`` in a fresh interpreter and parse the JSON line it prints last."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"probe failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def mib(kib: float) -> str:
    return f"{kib / 1024:7.1f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--train", action="store_true", help="also one training epoch each")
    parser.add_argument("--samples", type=int, default=60000)
    args = parser.parse_args()
    print(
        f"Python {sys.version.split()[0]}; each figure from a fresh process; "
        f"import time min/median of {args.repeats}"
    )
    print(
        f"{'import':10s} {'time min':>9s} {'median':>9s} {'RSS added':>12s} "
        f"{'RSS total':>12s} {'tracemalloc peak':>17s}"
    )
    for module in ("numpy", "neurona", "torch"):
        runs = [probe(IMPORT_PROBE.format(module=module)) for _ in range(args.repeats)]
        times = [r["seconds"] for r in runs]
        last = runs[-1]
        traced = probe(TRACED_IMPORT_PROBE.format(module=module))["traced_peak"]
        print(
            f"{module:10s} {min(times) * 1e3:7.0f} ms {statistics.median(times) * 1e3:6.0f} ms"
            f" {mib(last['rss_kib'])} {mib(last['rss_total_kib'])} "
            f"{traced / 2**20:13.1f} MiB"
        )
    if args.train:
        data_mib = args.samples * 784 * 4 / 2**20
        print(
            f"one epoch, MLP 784-128-10, Adam, batch 32, {args.samples} random samples "
            f"({data_mib:.0f} MiB of float32 inputs, created before tracing)"
        )
        for name, code in (("neurona", TRAIN_NEURONA), ("torch", TRAIN_TORCH)):
            r = probe(code.format(n=args.samples))
            print(
                f"  {name:8s} epoch {r['seconds']:6.2f} s   peak RSS {mib(r['rss_total_kib'])}"
                f"   tracemalloc peak during fit {r['traced_peak'] / 2**20:7.1f} MiB"
            )


if __name__ == "__main__":
    main()
