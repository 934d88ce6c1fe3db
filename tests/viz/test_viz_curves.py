"""neurona.viz curves: learning curves (train vs val, best epoch marked), named curves, the
perceptron's mistakes per epoch and forecasts, checked on the data each line carries."""

import sys

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from neurona.callbacks import History  # noqa: E402
from neurona.classic import Perceptron  # noqa: E402
from neurona.viz import (  # noqa: E402
    plot_curves,
    plot_forecast,
    plot_history,
    plot_perceptron_errors,
)
from neurona.viz._mpl import new_figure, require_matplotlib  # noqa: E402


def _lines(axis):
    return {line.get_label(): line for line in axis.lines}


def test_plot_history_draws_train_and_val_per_metric_and_marks_the_best_val_loss():
    history = History()
    history.on_train_begin()
    for epoch, (loss, val) in enumerate([(1.0, 1.2), (0.5, 0.7), (0.3, 0.6), (0.2, 0.9)]):
        history.on_epoch_end(
            epoch, {"loss": loss, "val_loss": val, "mae": loss / 2, "val_mae": val / 2}
        )
    figure = plot_history(history, title="curves")
    loss_axis, mae_axis = figure.axes
    lines = _lines(loss_axis)
    assert lines["loss"].get_xdata().tolist() == [1, 2, 3, 4]
    assert lines["val_loss"].get_ydata().tolist() == [1.2, 0.7, 0.6, 0.9]
    # the lowest validation loss, 0.6, is at epoch 3: the line sits at x = 3 in both panels
    for axis in (loss_axis, mae_axis):
        best = _lines(axis)["best val_loss (epoch 3)"]
        assert best.get_xdata()[0] == 3
    assert _lines(mae_axis)["val_mae"].get_ydata().tolist() == [0.6, 0.35, 0.3, 0.45]
    assert figure._suptitle.get_text() == "curves"


def test_plot_history_accepts_a_dict_a_metric_subset_and_given_axes():
    logs = {"loss": [3.0, 2.0], "accuracy": [0.5, 0.9]}
    figure, axes = new_figure("test", nrows=1, ncols=1)
    assert plot_history(logs, metrics=["accuracy"], ax=axes) is figure
    assert set(_lines(axes)) == {"accuracy"}  # no validation data: no best-epoch line


def test_plot_history_errors_name_the_recorded_metrics():
    with pytest.raises(ValueError, match=r"expected metrics among \['loss'\]"):
        plot_history({"loss": [1.0]}, metrics=["accuracy"])
    with pytest.raises(TypeError, match="expected a History"):
        plot_history([1.0, 2.0])
    figure, axes = new_figure("test", nrows=1, ncols=1)
    with pytest.raises(ValueError, match="one Axes per metric"):
        plot_history({"loss": [1.0], "mae": [2.0]}, ax=axes)


def test_plot_curves_puts_every_curve_on_one_axis():
    figure = plot_curves(
        {"gd": [4.0, 2.0, 1.0], "adam": np.array([4.0, 1.0])},
        logy=True,
        ylabel="J",
        title="optimisers",
    )
    (axis,) = figure.axes
    lines = _lines(axis)
    assert lines["gd"].get_xdata().tolist() == [1, 2, 3]
    assert lines["adam"].get_ydata().tolist() == [4.0, 1.0]
    assert (axis.get_yscale(), axis.get_ylabel(), axis.get_title()) == ("log", "J", "optimisers")
    shifted = plot_curves({"J": [1.0, 0.5]}, start=0).axes[0].lines[0]
    assert shifted.get_xdata().tolist() == [0, 1]
    with pytest.raises(ValueError, match="non-empty dict"):
        plot_curves({})


def test_plot_perceptron_errors_reads_errors_from_a_fitted_perceptron():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    p = Perceptron().fit(X, [0, 0, 0, 1])
    line = plot_perceptron_errors(p).axes[0].lines[0]
    assert line.get_ydata().tolist() == p.errors_ == [1, 3, 3, 2, 1, 0]
    assert line.get_xdata().tolist() == [1, 2, 3, 4, 5, 6]
    many = plot_perceptron_errors({"AND": p, "XOR": [2, 3, 4, 4]})
    assert [ln.get_label() for ln in many.axes[0].lines] == ["AND", "XOR"]


def test_plot_forecast_aligns_short_forecasts_with_the_end_and_takes_dates():
    dates = np.arange("2020-01-01", "2020-01-06", dtype="datetime64[D]")
    figure = plot_forecast(
        [1.0, 2.0, 3.0, 4.0, 5.0],
        {"mlp": [3.1, 3.9], "naive": [3.0, 4.0]},
        index=dates,
        title="BTC",
    )
    lines = _lines(figure.axes[0])
    assert lines["actual"].get_ydata().tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert (
        np.asarray(lines["mlp"].get_xdata()).astype("datetime64[D]").tolist() == dates[3:].tolist()
    )
    assert figure.axes[0].get_xlabel() == "date"
    with pytest.raises(ValueError, match="more than the 2 actual"):
        plot_forecast([1.0, 2.0], {"long": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="index of length 2"):
        plot_forecast([1.0, 2.0], {}, index=[0, 1, 2])


def test_figures_save_to_png_and_svg(tmp_path):
    figure = plot_curves({"loss": [1.0, 0.5]})
    figure.savefig(tmp_path / "a.png")
    figure.savefig(tmp_path / "a.svg")
    assert (tmp_path / "a.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (tmp_path / "a.svg").read_text()


def test_a_missing_matplotlib_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    with pytest.raises(ImportError, match=r'pip install "neurona\[plot\]"'):
        require_matplotlib("plot_curves")
    with pytest.raises(ImportError, match="plot_curves: expected matplotlib"):
        plot_curves({"loss": [1.0]})
