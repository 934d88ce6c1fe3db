"""neurona.viz.plot_decision_boundary: how each kind of output is shaded (labels, probabilities,
scores, class-score rows), models with .predict, and the errors."""

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from neurona.classic import Perceptron  # noqa: E402
from neurona.viz import plot_decision_boundary  # noqa: E402

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y_OR = np.array([0, 1, 1, 1])


def _contour_levels(figure):
    """Levels of every contour set on the first axis (filled regions and lines)."""
    axis = figure.axes[0]
    return [list(c.levels) for c in axis.collections if hasattr(c, "levels")]


def test_probabilities_are_shaded_with_the_half_contour():
    def prob(P):
        return 1 / (1 + np.exp(-(P.sum(axis=1) - 0.5) * 8))  # OR, soft

    levels = _contour_levels(plot_decision_boundary(prob, X, Y_OR, resolution=30))
    assert [0.5] in levels  # the boundary σ(z) = 0.5


def test_real_scores_get_the_zero_contour():
    def score(P):
        return P.sum(axis=1) - 0.5  # the perceptron's w·x + b

    levels = _contour_levels(plot_decision_boundary(score, X, Y_OR, resolution=30))
    assert [0.0] in levels


def test_labels_get_one_region_per_class():
    p = Perceptron().fit(X, Y_OR)  # a model with .predict returning 0/1 labels
    levels = _contour_levels(plot_decision_boundary(p, X, Y_OR, resolution=30))
    assert [-0.5, 0.5, 1.5] in levels and [0.5] in levels


def test_rows_of_class_scores_are_reduced_to_the_argmax():
    def scores(P):
        return np.column_stack([P[:, 0], P[:, 1], 0.5 * np.ones(len(P))])  # 3 classes

    y = np.array([2, 1, 0, 0])
    levels = _contour_levels(plot_decision_boundary(scores, X, y, resolution=30))
    assert [-0.5, 0.5, 1.5, 2.5] in levels


def test_keras_style_predict_is_called_quietly_on_a_float32_grid():
    calls = []

    class Model:
        def predict(self, x, batch_size=32, verbose="auto"):
            calls.append((x.shape, x.dtype, verbose))
            return np.full((len(x), 1), 0.7, dtype=np.float32)

    plot_decision_boundary(Model(), X, Y_OR, resolution=12)
    assert calls == [((144, 2), np.float32, 0)]


def test_the_grid_spans_the_points_with_a_margin():
    figure = plot_decision_boundary(lambda P: P[:, 0], X * 10, Y_OR, resolution=10)
    assert figure.axes[0].get_xlim() == pytest.approx((-2.0, 12.0))  # 20 % of the range


def test_errors_say_what_shape_was_expected():
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        plot_decision_boundary(lambda P: P[:, 0], np.zeros((4, 3)), Y_OR)
    with pytest.raises(ValueError, match="one label per point"):
        plot_decision_boundary(lambda P: P[:, 0], X, [0, 1])
    with pytest.raises(ValueError, match="one output"):
        plot_decision_boundary(lambda P: P[:3, 0], X, Y_OR, resolution=5)
    with pytest.raises(TypeError, match="a model with .predict"):
        plot_decision_boundary("model", X, Y_OR)
