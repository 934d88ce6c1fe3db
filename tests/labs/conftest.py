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


def _axes_hold_data(axis) -> bool:
    """An Axes holds data: a line with finite points, a filled area or scatter, an image, bars
    or a drawn graph's patches and texts."""
    for line in axis.get_lines():
        y = np.asarray(line.get_ydata(), dtype=float)
        if y.size and np.isfinite(y).any():
            return True
    return bool(axis.collections or axis.images or axis.patches or axis.texts)


@pytest.fixture(autouse=True)
def every_plot_holds_data(monkeypatch):
    """Every plot a lab writes during these tests is checked: each visible Axes of the figure
    holds data (no blank panel, no all-NaN curve). Yields the names checked."""
    from neurona.labs import _report

    checked = []
    original = _report.Report.plot

    def plot(self, name, draw, *args, **kwargs):
        def checked_draw(*a, **k):
            figure = draw(*a, **k)
            if figure is not None:
                empty = [ax.get_title() or str(i) for i, ax in enumerate(figure.axes)
                         if ax.get_visible() and not _axes_hold_data(ax)]  # fmt: skip
                assert not empty, f"{self.lab}/{name}: empty axes {empty}"
                checked.append(f"{self.lab}/{name}")
            return figure

        return original(self, name, checked_draw, *args, **kwargs)

    monkeypatch.setattr(_report.Report, "plot", plot)
    yield checked
