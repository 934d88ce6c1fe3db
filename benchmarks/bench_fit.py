"""Training benchmark: one epoch of a Fashion-MNIST MLP with neurona's ``model.fit``, a plain
PyTorch CPU loop, Keras 3 on JAX and a hand-written NumPy float32 MLP, in the same process
(issues 3 and 15).

Network: 784-128 (relu) - 10 (softmax), Adam(1e-3), sparse categorical cross-entropy, inputs
x / 255 as float32, batches drawn from a fresh permutation each epoch (shuffle=True). The three
start from the same Glorot-uniform weights, so their test accuracies are comparable.

- neurona: ``model.fit(x, y, batch_size, epochs, verbose=0, shuffle=True)`` for the same MLP
  written three ways: ``Sequential`` ("neurona"), Functional ``Model(inputs, outputs)``
  ("nr-func") and a subclassed ``Model`` ("nr-sub"); all train through the same step.
- PyTorch: ``nn.Sequential(Linear, ReLU, Linear)``, ``CrossEntropyLoss`` on logits,
  ``torch.optim.Adam(eps=1e-7)``, index batching (no DataLoader), ``loss.item()`` per step (the
  running loss that fit reports too); with ``--metric`` also the running accuracy, the usual way
  (``(logits.argmax(1) == y).sum().item()`` per step).
- Keras/JAX: the same Sequential model, ``fit`` (compiled once, ``benchmarks/_keras.py``).
- NumPy: forward and backward in four matrix products, softmax + cross-entropy fused
  (∂L/∂z = (p − onehot(t)) / n), Keras's Adam in place with ``out=`` into preallocated buffers,
  batches gathered by fancy indexing (measured faster here than ``np.take(..., out=buffer)``):
  the limit for a NumPy-based library.

``--shallow`` adds the course's shallow network (784-128 tanh → 10 sigmoid, MSE on one-hot
labels, Adam, batch 32, 15 epochs) for neurona and PyTorch side by side.

Run (6,000 training images by default; ``--full`` for all 60,000):
    .venv/bin/python benchmarks/bench_fit.py                       # batch 32 and 256, 1 epoch
    .venv/bin/python benchmarks/bench_fit.py --metric --libs neurona torch keras   # issue 15
    .venv/bin/python benchmarks/bench_fit.py --full --epochs 5 --repeats 1   # the accuracy check
    .venv/bin/python benchmarks/bench_fit.py --latency             # predict on one sample
    .venv/bin/python benchmarks/bench_fit.py --metric --compete 1  # with another NumPy job running
    .venv/bin/python benchmarks/bench_fit.py --shallow --batch-sizes 32

Times are per epoch (seconds), wall clock and CPU time of the process (the CPU time is the
steadier figure when other processes load the machine), min and median over ``--repeats`` runs;
each run trains a fresh model from the same initial weights, the libraries interleaved so that
load from other processes hits them alike. A ratio below 1 means neurona is faster.
``--threads N`` sets the BLAS threads of NumPy (threadpoolctl) and PyTorch's intra-op threads;
the default 1 is the fastest setting for these small products on a 2-core machine
(``--threads 0`` keeps the libraries' defaults; fit may still choose its own for small steps).
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

HIDDEN, CLASSES = 128, 10


# ----- data and initial weights -----------------------------------------------------------------
def load_data(subset: int | None):
    """Fashion-MNIST flattened to (n, 784) float32 in [0, 1]; labels int64."""
    (x, y), (x_test, y_test) = nr.datasets.load_fashion_mnist()
    x = (x.reshape(len(x), -1) / np.float32(255)).astype(np.float32)
    x_test = (x_test.reshape(len(x_test), -1) / np.float32(255)).astype(np.float32)
    if subset:
        x, y = x[:subset], y[:subset]
    return x, y.astype(np.int64), x_test, y_test.astype(np.int64)


def glorot_weights(seed: int, sizes=(784, HIDDEN, CLASSES)) -> list[np.ndarray]:
    """[W1, b1, W2, b2] in Keras's layout (d_in, units), Glorot-uniform kernels, zero biases."""
    rng = np.random.default_rng(seed)
    weights = []
    for d_in, d_out in zip(sizes[:-1], sizes[1:]):
        limit = np.sqrt(6.0 / (d_in + d_out))
        weights += [
            rng.uniform(-limit, limit, size=(d_in, d_out)).astype(np.float32),
            np.zeros(d_out, dtype=np.float32),
        ]
    return weights


def accuracy(scores: np.ndarray, y: np.ndarray) -> float:
    return float((scores.argmax(axis=1) == y).mean())


class Clock:
    """Wall-clock and CPU time (this process, all threads) from creation to ``stop``."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self, epochs: int) -> tuple[float, float]:
        """(wall seconds, CPU seconds) per epoch."""
        return (
            (time.perf_counter() - self.wall) / epochs,
            (time.process_time() - self.cpu) / epochs,
        )


# ----- neurona ---------------------------------------------------------------------------------
class SubclassedMLP(models.Model):
    """The same MLP as a subclassed model (layers in __init__, used in call)."""

    def __init__(self, hidden: str, out: str) -> None:
        super().__init__()
        self.hidden = layers.Dense(HIDDEN, activation=hidden)
        self.out = layers.Dense(CLASSES, activation=out)

    def call(self, x):
        return self.out(self.hidden(x))


def neurona_model(
    weights,
    hidden="relu",
    out="softmax",
    loss="sparse_categorical_crossentropy",
    metrics=None,
    kind="sequential",
):
    """The 784-128-10 MLP as a Sequential, a Functional or a subclassed model."""
    if kind == "sequential":
        model = models.Sequential(
            [
                layers.Input((784,)),
                layers.Dense(HIDDEN, activation=hidden),
                layers.Dense(CLASSES, activation=out),
            ]
        )
    elif kind == "functional":
        inputs = layers.Input((784,))
        h = layers.Dense(HIDDEN, activation=hidden)(inputs)
        model = models.Model(inputs, layers.Dense(CLASSES, activation=out)(h))
    else:
        model = SubclassedMLP(hidden, out)
        model(np.zeros((1, 784), dtype=np.float32))  # build
    model.compile(optimizer=optimizers.Adam(learning_rate=1e-3), loss=loss, metrics=metrics)
    model.set_weights([w.copy() for w in weights])
    return model


def run_neurona(weights, x, y, x_test, y_test, batch, epochs, seed, metrics=None, **kw):
    nr.utils.set_random_seed(seed)
    model = neurona_model(weights, metrics=metrics, **kw)
    clock = Clock()
    model.fit(x, y, batch_size=batch, epochs=epochs, verbose=0, shuffle=True)
    wall, cpu = clock.stop(epochs)
    return wall, cpu, accuracy(model.predict(x_test, batch_size=1024, verbose=0), y_test)


# ----- PyTorch ---------------------------------------------------------------------------------
def torch_model(torch, weights, hidden="relu", out=None):
    acts = {
        "relu": torch.nn.ReLU,
        "tanh": torch.nn.Tanh,
        "sigmoid": torch.nn.Sigmoid,
        "softmax": lambda: torch.nn.Softmax(dim=1),
    }
    lin1, lin2 = torch.nn.Linear(784, HIDDEN), torch.nn.Linear(HIDDEN, CLASSES)
    with torch.no_grad():
        for lin, W, b in ((lin1, weights[0], weights[1]), (lin2, weights[2], weights[3])):
            lin.weight.copy_(torch.from_numpy(np.ascontiguousarray(W.T)))
            lin.bias.copy_(torch.from_numpy(b))
    parts = [lin1, acts[hidden](), lin2] + ([acts[out]()] if out else [])
    return torch.nn.Sequential(*parts)


def run_torch(
    torch, weights, x, y, x_test, y_test, batch, epochs, seed, mse=False, metric=False, **kw
):
    torch.manual_seed(seed)
    net = torch_model(torch, weights, **kw)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.MSELoss() if mse else torch.nn.CrossEntropyLoss()
    xt = torch.from_numpy(x)
    yt = torch.from_numpy(np.eye(CLASSES, dtype=np.float32)[y] if mse else y)
    rng = np.random.default_rng(seed)
    clock = Clock()
    for _ in range(epochs):
        order = torch.from_numpy(rng.permutation(len(x)))
        total, correct = 0.0, 0
        for start in range(0, len(x), batch):
            index = order[start : start + batch]
            opt.zero_grad(set_to_none=True)
            logits = net(xt[index])
            loss = loss_fn(logits, yt[index])
            loss.backward()
            opt.step()
            total += loss.item()
            if metric:  # the running accuracy, the usual way in a PyTorch loop
                correct += (logits.argmax(dim=1) == yt[index]).sum().item()
    wall, cpu = clock.stop(epochs)
    with torch.no_grad():
        scores = net(torch.from_numpy(x_test)).numpy()
    return wall, cpu, accuracy(scores, y_test)


# ----- hand-written NumPy ------------------------------------------------------------------------
class NumpyMLP:
    """784-128 relu - 10 softmax, sparse cross-entropy, Keras's Adam, all in float32 buffers."""

    def __init__(self, weights, lr=1e-3, beta_1=0.9, beta_2=0.999, eps=1e-7):
        self.params = [w.copy() for w in weights]
        self.m = [np.zeros_like(w) for w in self.params]
        self.v = [np.zeros_like(w) for w in self.params]
        self.tmp = [np.empty_like(w) for w in self.params]
        self.lr, self.b1, self.b2, self.eps, self.t = lr, beta_1, beta_2, eps, 0

    def step(self, x, y, index) -> float:
        W1, b1, W2, b2 = self.params
        n = len(index)
        xb, yb = x[index], y[index]  # (faster here than np.take(..., out=buffer))
        h = xb @ W1
        h += b1
        np.maximum(h, 0, out=h)
        z = h @ W2
        z += b2
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)  # p = softmax
        rows = np.arange(n)
        loss = -float(np.log(np.maximum(z[rows, yb], 1e-7)).mean())
        z[rows, yb] -= 1
        z *= np.float32(1.0 / n)  # δ2 = (p − onehot) / n
        dh = z @ W2.T
        dh *= h > 0  # δ1
        grads = (xb.T @ dh, dh.sum(axis=0), h.T @ z, z.sum(axis=0))
        self.adam(grads)
        return loss

    def adam(self, grads) -> None:
        self.t += 1
        alpha = self.lr * np.sqrt(1 - self.b2**self.t) / (1 - self.b1**self.t)
        for x, g, m, v, t in zip(self.params, grads, self.m, self.v, self.tmp):
            np.subtract(g, m, out=t)
            t *= 1 - self.b1
            m += t
            np.square(g, out=t)
            t -= v
            t *= 1 - self.b2
            v += t
            np.sqrt(v, out=t)
            t += self.eps
            np.divide(m, t, out=t)
            t *= alpha
            x -= t

    def scores(self, x):
        W1, b1, W2, b2 = self.params
        return np.maximum(x @ W1 + b1, 0) @ W2 + b2


def run_numpy(weights, x, y, x_test, y_test, batch, epochs, seed):
    net = NumpyMLP(weights)
    rng = np.random.default_rng(seed)
    clock = Clock()
    for _ in range(epochs):
        order = rng.permutation(len(x))
        total = 0.0
        for start in range(0, len(x), batch):
            total += net.step(x, y, order[start : start + batch])
    wall, cpu = clock.stop(epochs)
    return wall, cpu, accuracy(net.scores(x_test), y_test)


# ----- driver ----------------------------------------------------------------------------------
def summary(name: str, runs: list[tuple[float, float, float]]) -> str:
    wall, cpu = [r[0] for r in runs], [r[1] for r in runs]
    return (
        f"  {name:8s} epoch wall min {min(wall):7.3f} s median {statistics.median(wall):7.3f} s"
        f" | cpu min {min(cpu):7.3f} s median {statistics.median(cpu):7.3f} s"
        f" | test acc {runs[-1][2] * 100:5.2f} %"
    )


def keras_runner(keras, weights, metrics):
    from _keras import KerasRun

    def build():
        return keras.Sequential(
            [
                keras.Input((784,)),
                keras.layers.Dense(HIDDEN, activation="relu"),
                keras.layers.Dense(CLASSES, activation="softmax"),
            ]
        )

    return KerasRun(keras, build, weights, metrics=metrics)


def run_keras(runner, x, y, x_test, y_test, batch, args, seed):
    wall, cpu = runner.fit(x, y, batch, seed, epochs=args.epochs)
    return wall, cpu, accuracy(runner.scores(x_test), y_test)


def bench_latency(torch, keras, data, args) -> None:
    """``predict`` on one sample: the latency a served model sees (median of many calls)."""
    x = data[0][:1]
    weights = glorot_weights(args.seed)
    model = neurona_model(weights)
    net = torch_model(torch, weights, out="softmax")
    x_torch = torch.from_numpy(x)

    def torch_forward():
        with torch.no_grad():
            return net(x_torch).numpy()

    calls = {
        "neurona predict": lambda: model.predict(x, verbose=0),
        "neurona model(x)": lambda: model(x).numpy(),
        "torch no_grad": torch_forward,
    }
    if keras is not None:
        k_model = keras_runner(keras, weights, None).model
        calls["keras predict"] = lambda: k_model.predict(x, verbose=0)
        calls["keras model(x)"] = lambda: np.asarray(k_model(x, training=False))
    outputs = {name: np.asarray(call()) for name, call in calls.items()}
    for out in outputs.values():
        np.testing.assert_allclose(out, outputs["torch no_grad"], rtol=1e-4, atol=1e-6)
    times: dict[str, list] = {name: [] for name in calls}
    for _ in range(args.repeats * 5):  # interleaved rounds of 200 calls
        for name, call in calls.items():
            t0 = time.perf_counter()
            for _ in range(200):
                call()
            times[name].append((time.perf_counter() - t0) / 200)
    print("one sample (1 × 784), median µs per call:")
    base = statistics.median(times["torch no_grad"])
    for name, values in times.items():
        med = statistics.median(values)
        print(f"  {name:17s} {med * 1e6:8.1f} µs   {med / base:5.2f}× torch no_grad")


def bench_batch(torch, data, batch, args, keras=None) -> None:
    x, y, x_test, y_test = data
    weights = glorot_weights(args.seed)
    warm = slice(0, min(len(x), 40 * batch))  # a short warm-up: caches, BLAS, lazy imports
    run_neurona(weights, x[warm], y[warm], x_test[:256], y_test[:256], batch, 1, args.seed)
    run_torch(torch, weights, x[warm], y[warm], x_test[:256], y_test[:256], batch, 1, args.seed)
    run_numpy(weights, x[warm], y[warm], x_test[:256], y_test[:256], batch, 1, args.seed)
    metrics = ["accuracy"] if args.metric else None
    runners = {
        "neurona": lambda seed: run_neurona(
            weights, x, y, x_test, y_test, batch, args.epochs, seed, metrics=metrics
        ),
        "nr-func": lambda seed: run_neurona(
            weights,
            x,
            y,
            x_test,
            y_test,
            batch,
            args.epochs,
            seed,
            metrics=metrics,
            kind="functional",
        ),
        "nr-sub": lambda seed: run_neurona(
            weights,
            x,
            y,
            x_test,
            y_test,
            batch,
            args.epochs,
            seed,
            metrics=metrics,
            kind="subclassed",
        ),
        "torch": lambda seed: run_torch(
            torch, weights, x, y, x_test, y_test, batch, args.epochs, seed, metric=args.metric
        ),
        "numpy": lambda seed: run_numpy(weights, x, y, x_test, y_test, batch, args.epochs, seed),
    }
    if keras is not None and "keras" in args.libs:
        runner = keras_runner(keras, weights, metrics)
        runner.warm_up(x, y, batch)
        runners["keras"] = lambda seed: run_keras(runner, x, y, x_test, y_test, batch, args, seed)
    results: dict[str, list] = {name: [] for name in runners if name in args.libs}
    for r in range(args.repeats):
        for name in results:
            results[name].append(runners[name](args.seed + r))
    print(
        f"batch {batch}, {len(x)} samples, {args.epochs} epoch(s), {args.repeats} repeat(s)"
        + (", fit with metrics=['accuracy']" if args.metric else "")
    )
    for name, runs in results.items():
        print(summary(name, runs))
    goal = f"goal ≤ {0.6 if batch <= 32 else 0.8}"
    goals = {
        ("neurona", "torch"): goal,
        ("nr-func", "torch"): goal,
        ("nr-sub", "torch"): goal,
        ("neurona", "keras"): "goal < 1",
        ("neurona", "numpy"): "goal ≤ 1.15",
        ("nr-func", "numpy"): "goal ≤ 1.15",
        ("nr-sub", "numpy"): "goal ≤ 1.15",
        ("numpy", "torch"): "",
    }
    for which, label in ((0, "wall"), (1, "cpu")):
        med = {k: statistics.median(r[which] for r in v) for k, v in results.items()}
        low = {k: min(r[which] for r in v) for k, v in results.items()}
        for (a, c), goal in goals.items():
            if a in results and c in results:
                print(
                    f"  ratio {a}/{c:6s} {label:4s} min {low[a] / low[c]:.2f}  median "
                    f"{med[a] / med[c]:.2f}   {goal}"
                )


def bench_shallow(torch, data, args) -> None:
    """The course's shallow network: tanh hidden layer, sigmoid outputs, MSE on one-hot labels."""
    x, y, x_test, y_test = data
    epochs = args.shallow_epochs
    weights = glorot_weights(args.seed)
    one_hot = nr.utils.to_categorical(y, CLASSES).astype(np.float32)
    t_nr, cpu_nr, acc_nr = run_neurona(
        weights,
        x,
        one_hot,
        x_test,
        y_test,
        32,
        epochs,
        args.seed,
        hidden="tanh",
        out="sigmoid",
        loss="mse",
    )
    t_th, cpu_th, acc_th = run_torch(
        torch,
        weights,
        x,
        y,
        x_test,
        y_test,
        32,
        epochs,
        args.seed,
        mse=True,
        hidden="tanh",
        out="sigmoid",
    )
    print(
        f"shallow 784-128 tanh - 10 sigmoid, MSE, Adam, batch 32, {epochs} epochs, {len(x)} samples"
    )
    rows = (("neurona", t_nr, cpu_nr, acc_nr), ("torch", t_th, cpu_th, acc_th))
    for name, wall, cpu, acc in rows:
        print(
            f"  {name:8s} {wall * epochs:7.1f} s wall ({wall:.3f} s/epoch, cpu {cpu:.3f} "
            f"s/epoch)  test acc {acc * 100:5.2f} %"
        )
    print(f"  ratio neurona/torch wall {t_nr / t_th:.2f}, cpu {cpu_nr / cpu_th:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[32, 256])
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (0: defaults)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--subset", type=int, default=6000, help="train on the first N samples")
    parser.add_argument("--full", action="store_true", help="all 60,000 training images")
    parser.add_argument("--latency", action="store_true", help="predict on one sample")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--metric", action="store_true", help="fit with metrics=['accuracy']")
    parser.add_argument(
        "--libs",
        nargs="+",
        default=["neurona", "nr-func", "nr-sub", "torch", "numpy", "keras"],
        choices=["neurona", "nr-func", "nr-sub", "torch", "numpy", "keras"],
        help="which to time (neurona: Sequential; nr-func: Functional; nr-sub: a subclassed "
        "Model; keras: Keras 3 on JAX)",
    )
    parser.add_argument("--shallow", action="store_true", help="also the course's shallow net")
    parser.add_argument("--shallow-epochs", type=int, default=15)
    parser.add_argument(
        "--compete", type=int, default=0, help="N competing NumPy processes (benchmarks/_load.py)"
    )
    args = parser.parse_args()
    keras = None
    if "keras" in args.libs:
        from _keras import setup

        keras = setup(args.threads)  # before torch: XLA's thread flags must come first
    import torch

    limits = contextlib.nullcontext()
    if args.threads:
        from threadpoolctl import threadpool_limits

        limits = threadpool_limits(args.threads)
        torch.set_num_threads(args.threads)
    with limits, competing(args.compete):
        print(
            f"neurona {nr.__version__}, numpy {np.__version__}, torch {torch.__version__}, "
            f"threads {args.threads or 'default'} (torch {torch.get_num_threads()}), "
            f"{describe(args.compete)}"
        )
        data = load_data(None if args.full else args.subset)
        if args.latency:
            bench_latency(torch, keras, data, args)
            return
        for batch in args.batch_sizes:
            bench_batch(torch, data, batch, args, keras)
        if args.shallow:
            bench_shallow(torch, data, args)


if __name__ == "__main__":
    main()
