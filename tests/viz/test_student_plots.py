"""Plots a student puts in a report (issue 13): viz draws on pyplot's figure when pyplot is in
use (plt.savefig works), integer epoch ticks, markers for few points, readable date axes,
class legends, titles never cut, legends beside many curves."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("matplotlib")  # the 'plot' extra, part of 'all' (CI installs it)

from neurona import viz  # noqa: E402

PYPLOT_SCRIPT = """
import sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from neurona import viz

figure = viz.plot_activations(("sigmoid", "tanh"))
assert plt.gcf() is figure, "viz did not draw on pyplot's current figure"
plt.savefig(sys.argv[1])
plt.figure(figsize=(3, 2))                       # the student's own empty figure is used
history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.6]}
assert viz.plot_history(history) is plt.gcf()
assert tuple(plt.gcf().get_size_inches()) == (3.0, 2.0)
plt.savefig(sys.argv[2])
viz.plot_curves({"a": [1, 2, 3]})                # a full figure: a new one, not drawn over
assert len(plt.get_fignums()) == 3
from neurona.labs._report import Report
Report("demo", out=sys.argv[3]).plot("x.png", viz.plot_curves, {"a": [1.0, 2.0]})
assert len(plt.get_fignums()) == 3, "a report's figure stayed open in pyplot"
print("ok")
"""


def _ink(png) -> float:
    """The share of non-white pixels of a PNG: a blank canvas has none."""
    from matplotlib.image import imread

    image = imread(png)[..., :3]
    return float(np.mean(image.min(axis=-1) < 0.95))


def test_plt_savefig_writes_the_viz_drawing(tmp_path):
    first, second = tmp_path / "activations.png", tmp_path / "history.png"
    done = subprocess.run(
        [sys.executable, "-c", PYPLOT_SCRIPT, str(first), str(second), str(tmp_path / "r")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
    assert _ink(first) > 0.02 and _ink(second) > 0.02  # drawn, not blank


def test_epoch_axes_have_integer_ticks_and_few_points_have_markers():
    figure = viz.plot_history({"loss": [1.0, 0.7, 0.5], "val_loss": [1.2, 0.8, 0.7]})
    axis = figure.axes[0]
    ticks = [t for t in axis.get_xticks() if axis.get_xlim()[0] <= t <= axis.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)
    assert all(line.get_marker() == "o" for line in axis.get_lines()[:2])
    one_epoch = viz.plot_curves({"loss": [0.5]}).axes[0].get_lines()[0]
    assert one_epoch.get_marker() == "o"  # a one-epoch curve is a visible dot
    long = viz.plot_curves({"loss": np.linspace(1, 0, 200)}).axes[0].get_lines()[0]
    assert long.get_marker() in ("None", None, "")


def test_forecast_dates_are_concise_and_do_not_overlap():
    from matplotlib.dates import ConciseDateFormatter

    dates = np.arange("2020-01-01", "2020-03-01", dtype="datetime64[D]")
    figure = viz.plot_forecast(np.arange(len(dates), dtype=float), {"naive": np.ones(10)},
                               index=dates)  # fmt: skip
    axis = figure.axes[0]
    assert isinstance(axis.xaxis.get_major_formatter(), ConciseDateFormatter)
    figure.canvas.draw()
    boxes = [t.get_window_extent() for t in axis.get_xticklabels() if t.get_text()]
    assert len(boxes) >= 2
    assert all(a.x1 <= b.x0 for a, b in zip(boxes, boxes[1:]))  # no two labels overlap


def test_decision_boundaries_have_a_class_legend():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    figure = viz.plot_decision_boundary(lambda P: (P[:, 0] != P[:, 1]).astype(float), X, y,
                                        resolution=20, class_names=["even", "odd"])  # fmt: skip
    labels = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert labels == ["even", "odd"]


def test_titles_are_never_cut_and_many_curves_keep_the_legend_off_the_data():
    title = "Boston housing, one linear neuron: the course's optimisers (J* = least squares)"
    curves = {name: np.geomspace(1, 1e-3, 50) for name in ("gd", "nesterov", "adagrad", "adam")}
    figure = viz.plot_curves(curves, title=title, logy=True)
    axis = figure.axes[0]
    assert axis.get_title() == title
    figure.canvas.draw()
    legend, plot_area = axis.get_legend().get_window_extent(), axis.get_window_extent()
    assert legend.x0 >= plot_area.x1 - 1  # beside the axes, not over the curves
