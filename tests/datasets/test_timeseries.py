"""timeseries_windows: shapes and values of the supervised windows."""

import numpy as np
import pytest

from neurona.datasets import timeseries_windows


def test_one_step_ahead_windows():
    # s = 10, 11, …, 16 (T = 7), lookback 3: n = 7 − 3 − 1 + 1 = 4 windows
    X, y = timeseries_windows(np.arange(10, 17), lookback=3)
    assert X.tolist() == [[10, 11, 12], [11, 12, 13], [12, 13, 14], [13, 14, 15]]
    assert y.tolist() == [13, 14, 15, 16]


def test_horizon_two_targets_the_value_two_steps_after_the_window():
    X, y = timeseries_windows(np.arange(10, 17), lookback=3, horizon=2)
    # n = 7 − 3 − 2 + 1 = 3;  X[0] = (10, 11, 12) → y[0] = s[3 + 2 − 1] = 14
    assert X.shape == (3, 3) and y.tolist() == [14, 15, 16]
    X, y = timeseries_windows(np.arange(10, 17), lookback=3, horizon=2, multi_step=True)
    assert y.tolist() == [[13, 14], [14, 15], [15, 16]]


def test_multivariate_series_keeps_features_last():
    s = np.arange(20, dtype=np.float32).reshape(10, 2)  # T = 10, 2 features
    X, y = timeseries_windows(s, lookback=4)
    assert X.shape == (6, 4, 2) and y.shape == (6, 2) and X.dtype == np.float32
    np.testing.assert_array_equal(X[1], s[1:5])
    np.testing.assert_array_equal(y[1], s[5])
    _, y_multi = timeseries_windows(s, lookback=4, horizon=3, multi_step=True)
    assert y_multi.shape == (4, 3, 2)
    np.testing.assert_array_equal(y_multi[0], s[4:7])


def test_windows_own_their_memory():
    s = np.arange(8.0)
    X, y = timeseries_windows(s, lookback=2)
    X[0, 0] = -1
    assert s[0] == 0 and X.flags.writeable and y.base is None


def test_clear_errors():
    with pytest.raises(ValueError, match="longer than lookback"):
        timeseries_windows(np.arange(3), lookback=3)
    with pytest.raises(ValueError, match="horizon to be an int >= 1"):
        timeseries_windows(np.arange(10), lookback=3, horizon=0)
    with pytest.raises(ValueError, match=r"\(T,\) or \(T, features\)"):
        timeseries_windows(np.zeros((4, 2, 2)), lookback=1)
