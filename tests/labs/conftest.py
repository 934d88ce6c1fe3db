"""Shared fixture of the image-lab tests: Fashion-MNIST when installed, else small synthetic IDX
files written under $NEURONA_DATA, so the labs run end to end either way."""

import numpy as np
import pytest

from neurona import datasets
from neurona.datasets.idx import write_idx


def _synthetic_images(folder, n_train=1000, n_test=500, seed=0):
    """Learnable stand-in for Fashion-MNIST: class c lights rows 2c+4 and 2c+5, plus noise."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True)
    for split, n in (("train", n_train), ("t10k", n_test)):
        labels = rng.integers(0, 10, n).astype(np.uint8)
        images = rng.integers(0, 60, (n, 28, 28)).astype(np.uint8)
        for c in range(10):
            images[labels == c, 2 * c + 4 : 2 * c + 6, 4:24] = 250
        write_idx(folder / f"{split}-images-idx3-ubyte", images)
        write_idx(folder / f"{split}-labels-idx1-ubyte", labels)


@pytest.fixture
def image_data(tmp_path, monkeypatch):
    """'real' when Fashion-MNIST is installed, else 'synthetic' (written under NEURONA_DATA)."""
    if datasets.find_dataset("fashion-mnist") is not None:
        return "real"
    _synthetic_images(tmp_path / "data" / "fashion-mnist")
    monkeypatch.setenv("NEURONA_DATA", str(tmp_path / "data"))
    return "synthetic"
