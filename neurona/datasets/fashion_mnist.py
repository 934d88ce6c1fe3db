"""Side package: Keras's ``keras.datasets.fashion_mnist`` namespace (``load_data()``), on
neurona's offline Fashion-MNIST loader (``datasets.load_fashion_mnist``)."""

from __future__ import annotations

import os

from neurona.datasets.mnist import load_fashion_mnist

__all__ = ["load_data"]


def load_data(path: str | os.PathLike | None = None):
    """Keras's ``keras.datasets.fashion_mnist.load_data()``: ((x_train, y_train), (x_test,
    y_test)) with uint8 images (n, 28, 28) and uint8 labels 0–9, found offline as
    ``load_fashion_mnist`` finds them (Debian's ``dataset-fashion-mnist``, ``$NEURONA_DATA``,
    the cache, or the folder ``path``).

    Example:
        >>> (x, y), (x_test, y_test) = load_data()  # doctest: +SKIP
        >>> x.shape, y.dtype  # doctest: +SKIP
        ((60000, 28, 28), dtype('uint8'))
    """
    return load_fashion_mnist(path)
