"""neurona.viz activations: f and f' drawn from the autodiff engine's derivative, which must equal
the course's closed forms."""

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from neurona.viz import activation_and_derivative, plot_activations  # noqa: E402

X = np.array([-3.0, -0.5, 0.25, 2.0])


def test_autodiff_derivatives_equal_the_closed_forms():
    s, ds = activation_and_derivative("sigmoid", X)
    np.testing.assert_allclose(ds, s * (1 - s), rtol=1e-12)  # σ' = σ(1 − σ)
    t, dt = activation_and_derivative("tanh", X)
    np.testing.assert_allclose(dt, 1 - t**2, rtol=1e-12)  # tanh' = 1 − tanh²
    r, dr = activation_and_derivative("relu", X)
    assert r.tolist() == [0.0, 0.0, 0.25, 2.0] and dr.tolist() == [0.0, 0.0, 1.0, 1.0]
    _, dsp = activation_and_derivative("softplus", X)
    np.testing.assert_allclose(dsp, 1 / (1 + np.exp(-X)), rtol=1e-12)  # softplus' = σ


def test_threshold_units_have_no_derivative_and_softmax_is_refused():
    y, dy = activation_and_derivative("step", X)
    assert y.tolist() == [0.0, 0.0, 1.0, 1.0] and dy is None
    with pytest.raises(ValueError, match="elementwise"):
        activation_and_derivative("softmax", X)


def test_each_panel_holds_f_and_the_autodiff_derivative():
    figure = plot_activations(("sigmoid", "tanh", "relu", "elu"), x_range=(-2, 2))
    visible = [a for a in figure.axes if a.get_visible()]
    assert [a.get_title() for a in visible] == ["sigmoid", "tanh", "relu", "elu"]
    f_line, df_line = visible[1].lines[:2]
    x = f_line.get_xdata()
    assert x[0] == -2 and x[-1] == 2
    np.testing.assert_allclose(df_line.get_ydata(), 1 - np.tanh(x) ** 2, atol=1e-12)


def test_derivatives_can_be_left_out_and_one_axis_can_hold_all():
    figure = plot_activations(["sigmoid", "relu"], derivatives=False)
    assert all(len(a.get_legend_handles_labels()[1]) <= 1 for a in figure.axes)
    from neurona.viz._mpl import new_figure

    figure, axis = new_figure("test")
    plot_activations(["sigmoid", "step"], ax=axis)
    assert axis.get_legend_handles_labels()[1] == ["sigmoid", "sigmoid'", "step"]
