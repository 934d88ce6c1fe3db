"""The forecasting helpers shared by the price labs: chronological split, scaling on the
training period only (no look-ahead), windows for Dense and recurrent layers, the one-step
forecast, the naive forecast and RMSE/MAE on hand-computed values."""

import numpy as np
import pytest

from neurona.labs import _forecast as fc


def test_rmse_and_mae_by_hand():
    actual, forecast = [3.0, 5.0, 2.0, 8.0], [2.0, 5.0, 4.0, 4.0]
    # errors 1, 0, −2, 4: squares 1, 0, 4, 16 → mean 21/4 → RMSE √5.25; MAE (1+0+2+4)/4 = 1.75
    assert fc.rmse(actual, forecast) == pytest.approx(np.sqrt(5.25), rel=1e-15)
    assert fc.mae(actual, forecast) == 1.75


def test_rmse_refuses_series_of_different_lengths():
    with pytest.raises(ValueError, match="rmse: expected actual and forecast values of one"):
        fc.rmse([1.0, 2.0], [1.0])


def test_the_naive_forecast_is_the_previous_value():
    prices = np.array([10.0, 12.0, 11.0, 15.0, 14.0])
    # test period = the last 3 days (11, 15, 14): forecasts are the days before (12, 11, 15)
    assert fc.naive_forecast(prices, test_days=3).tolist() == [12.0, 11.0, 15.0]
    with pytest.raises(ValueError, match="expected 1 <= test_days < 5"):
        fc.naive_forecast(prices, test_days=5)


def test_scaler_is_fitted_on_the_training_period_only():
    prices = np.array([4.0, 2.0, 6.0, 3.0, 5.0, 100.0, -50.0])
    data = fc.prepare(prices, lookback=2, test_days=2)
    assert (data.low, data.high) == (2.0, 6.0)  # min and max of 4, 2, 6, 3, 5
    # changing the test period changes neither the scaler nor the training windows
    other = fc.prepare(np.r_[prices[:5], 1e6, 1e6], lookback=2, test_days=2)
    assert (other.low, other.high) == (data.low, data.high)
    np.testing.assert_array_equal(other.x_train, data.x_train)
    np.testing.assert_array_equal(other.y_train, data.y_train)


def test_windows_and_targets_line_up_day_by_day():
    prices = np.arange(100.0, 110.0)  # 100 … 109
    data = fc.prepare(prices, lookback=3, test_days=4)  # training period 100 … 105
    unscaled = data.unscale
    # training: (100, 101, 102) → 103, …, (102, 103, 104) → 105; no target after day 105
    np.testing.assert_allclose(
        unscaled(data.x_train), [[100, 101, 102], [101, 102, 103], [102, 103, 104]], rtol=1e-6
    )
    np.testing.assert_allclose(unscaled(data.y_train).ravel(), [103, 104, 105], rtol=1e-6)
    # test day t uses the actual prices of t−3 … t−1 (known the day before), never later ones
    np.testing.assert_allclose(
        unscaled(data.x_test),
        [[103, 104, 105], [104, 105, 106], [105, 106, 107], [106, 107, 108]],
        rtol=1e-6,
    )
    assert data.actual.tolist() == [106.0, 107.0, 108.0, 109.0]
    assert data.test_dates.tolist() == [6, 7, 8, 9]


def test_sequence_windows_have_a_features_axis_for_recurrent_layers():
    data = fc.prepare(np.arange(20.0), lookback=5, test_days=3, sequence=True)
    assert data.x_train.shape == (12, 5, 1) and data.x_test.shape == (3, 5, 1)
    assert data.y_train.shape == (12, 1)


def test_train_days_keeps_only_the_recent_past():
    dates = np.arange("2020-01-01", "2020-01-21", dtype="datetime64[D]")
    data = fc.prepare(np.arange(20.0), lookback=2, test_days=3, train_days=5, dates=dates)
    assert data.prices.tolist() == [12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0]
    assert (data.low, data.high) == (12.0, 16.0)
    assert str(data.test_dates[0]) == "2020-01-18"


def test_prepare_refuses_a_training_period_shorter_than_a_window():
    with pytest.raises(ValueError, match="training period of at least lookback \\+ 1 = 6"):
        fc.prepare(np.arange(8.0), lookback=5, test_days=4)


def test_one_step_forecast_of_a_perfect_model_is_the_actual_series():
    prices = np.array([5.0, 7.0, 6.0, 8.0, 9.0, 7.5, 8.5, 10.0])
    data = fc.prepare(prices, lookback=2, test_days=3)
    # a model that "knows" the next value from the window's last value: next = scaled(actual)
    lookup = {
        round(float(a), 5): b for a, b in zip(data.scale(prices[:-1]), data.scale(prices[1:]))
    }
    oracle = lambda x: np.array([[lookup[round(float(w[-1]), 5)]] for w in x])  # noqa: E731
    np.testing.assert_allclose(fc.one_step_forecast(oracle, data), data.actual, rtol=1e-6)


def test_metrics_table_compares_with_the_naive_forecast():
    actual = [10.0, 12.0]
    rows = fc.metrics_table(actual, {"naive": [8.0, 10.0], "model": [11.0, 11.0]})
    # naive: errors 2, 2 → RMSE 2, MAE 2; model: errors 1, 1 → RMSE 1, MAE 1, half of naive's
    assert [(r["model"], r["rmse"], r["mae"], r["rmse_vs_naive"]) for r in rows] == [
        ("naive", 2.0, 2.0, 1.0),
        ("model", 1.0, 1.0, 0.5),
    ]
    text = fc.format_table(rows)
    assert text.splitlines()[2].startswith("model") and "(0.500 × naive)" in text
