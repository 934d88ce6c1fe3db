"""Floor 5: Keras's ``TensorBoard`` callback, written with ``tensorboardX``'s event writer (the
optional extra ``neurona[tensorboard]``; no TensorFlow needed). ``tensorboard --logdir logs``
shows what Keras 3's callback shows:

    <log_dir>/train        'epoch_<metric>' at each epoch end (step = epoch), the learning rate
                           as 'epoch_learning_rate', 'batch_<metric>' every ``update_freq``
                           batches (step = the batch's number since training began), and with
                           ``histogram_freq`` the weights as histograms '<layer>/<weight>/histogram'
    <log_dir>/validation   'epoch_<metric>' of the 'val_' logs (the prefix removed)

Keras's graph, image, profiler and embedding summaries need TensorFlow: ``write_graph`` is
accepted and ignored; ``write_images``, ``profile_batch`` and ``embeddings_freq`` are refused.
"""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np

from neurona.callbacks.base import Callback

__all__ = ["TensorBoard"]


def _writer_class(where: str) -> Any:
    try:
        from tensorboardX import SummaryWriter
    except ImportError:
        raise ImportError(
            f"{where}: TensorBoard logs are written with tensorboardX. Install it with "
            "pip install 'neurona[tensorboard]' (or pip install tensorboardX), or log each "
            "epoch to a CSV file with neurona.callbacks.CSVLogger('log.csv') instead."
        ) from None
    return SummaryWriter


class TensorBoard(Callback):
    """Log losses, metrics, the learning rate and (optionally) weight histograms for
    TensorBoard, as Keras 3's ``keras.callbacks.TensorBoard``.

    Args:
        log_dir: the folder for the event files ('train' and 'validation' inside).
        histogram_freq: every how many epochs to write the weights' histograms (0: never).
        write_graph: accepted for Keras code; the graph view needs TensorFlow.
        write_steps_per_second: also log 'epoch_steps_per_second'.
        update_freq: 'epoch', or 'batch' / an int N to log 'batch_<metric>' every N batches.

    Raises:
        ImportError: tensorboardX is not installed; the message names ``CSVLogger`` too.
        ValueError: ``write_images``, ``profile_batch`` or ``embeddings_freq`` (TensorFlow's).

    Example:
        >>> import os, tempfile, numpy as np
        >>> from neurona import layers, models
        >>> model = models.Sequential([layers.Input((2,)), layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> log_dir = tempfile.mkdtemp()
        >>> _ = model.fit(np.ones((8, 2)), np.ones((8, 1)), epochs=2, verbose=0,
        ...               validation_split=0.25, callbacks=[TensorBoard(log_dir)])
        >>> sorted(os.listdir(log_dir))
        ['train', 'validation']
    """

    def __init__(
        self,
        log_dir: Any = "logs",
        histogram_freq: int = 0,
        write_graph: bool = True,
        write_images: bool = False,
        write_steps_per_second: bool = False,
        update_freq: Any = "epoch",
        profile_batch: Any = 0,
        embeddings_freq: int = 0,
        embeddings_metadata: Any = None,
    ) -> None:
        super().__init__()
        where = "TensorBoard"
        self._writer_cls = _writer_class(where)
        for name, value in (
            ("write_images", write_images),
            ("profile_batch", profile_batch),
            ("embeddings_freq", embeddings_freq),
            ("embeddings_metadata", embeddings_metadata),
        ):
            if value:
                raise ValueError(
                    f"{where}: {name}={value!r} needs TensorFlow's summaries, which neurona "
                    "does not write. Leave it at its default."
                )
        if not isinstance(histogram_freq, int) or histogram_freq < 0:
            raise ValueError(f"{where}: expected histogram_freq >= 0, got {histogram_freq!r}.")
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and not (isinstance(update_freq, int) and update_freq > 0):
            raise ValueError(
                f"{where}: expected update_freq 'epoch', 'batch' or a positive int, got "
                f"{update_freq!r}."
            )
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = update_freq
        self._writers: dict = {}
        self._step = 0
        self._epoch_start = self._batch_start = 0.0
        self._batches = 0

    def _writer(self, split: str) -> Any:
        if split not in self._writers:
            self._writers[split] = self._writer_cls(os.path.join(self.log_dir, split))
        return self._writers[split]

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._step = 0
        self._writer("train")

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch_start = time.perf_counter()
        self._batches = 0

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._batch_start = time.perf_counter()

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._step += 1
        self._batches += 1
        if self.update_freq != "epoch" and self._step % self.update_freq == 0:
            writer = self._writer("train")
            if self.write_steps_per_second:
                seconds = max(time.perf_counter() - self._batch_start, 1e-9)
                writer.add_scalar("batch_steps_per_second", 1.0 / seconds, self._step)
            for key, value in (logs or {}).items():
                if np.ndim(value) == 0:
                    writer.add_scalar(f"batch_{key}", float(value), self._step)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = dict(logs or {})
        train, validation = self._writer("train"), None
        for key, value in logs.items():
            if np.ndim(value) != 0:
                continue
            if key.startswith("val_"):
                validation = validation or self._writer("validation")
                validation.add_scalar(f"epoch_{key[4:]}", float(value), epoch)
            else:
                train.add_scalar(f"epoch_{key}", float(value), epoch)
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and "learning_rate" not in logs:
            train.add_scalar("epoch_learning_rate", float(optimizer.learning_rate), epoch)
        if self.write_steps_per_second:
            seconds = max(time.perf_counter() - self._epoch_start, 1e-9)
            train.add_scalar("epoch_steps_per_second", self._batches / seconds, epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            for layer in self.model.layers:  # Keras's tag: the weight's path, '/histogram'
                for w in layer.weights:
                    path = str(w.name) if "/" in str(w.name) else f"{layer.name}/{w.name}"
                    train.add_histogram(f"{path}/histogram", np.asarray(w.data), epoch)
        for writer in self._writers.values():
            writer.flush()

    def on_train_end(self, logs: dict | None = None) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}
