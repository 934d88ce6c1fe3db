"""The shipped CSVs: the sha256 of data/README, the documented shapes, the Boston B-column
handling; scikit-learn's bundled sets when it is installed."""

import hashlib
from importlib import resources

import numpy as np
import pytest

from neurona.datasets import tabular

SHA256 = {  # from neurona/datasets/data/LICENSES.md
    "breast_cancer_coimbra.csv": "5131935fa834e097d97dfc6ba43d49426823607a4bdcd423f5a86b5cd72cac3a",
    "boston_housing.csv": "79ac716620024011b03c0c44d2bf99069b8173649181926d9109c25475a3804c",
    "btc_daily_close_coinmetrics.csv": "03065f673028b257b5bf137ba5f8902fb97fb73badeffbff7dc0ff4b93b851dc",  # noqa: E501 - a checksum
    "eth_daily_close_coinmetrics.csv": "41b443a77ffbc93b726bc40c20743cb062ea3d436819e66527e38e7337853e22",  # noqa: E501 - a checksum
}


@pytest.mark.parametrize("name", sorted(SHA256))
def test_shipped_files_have_the_documented_sha256(name):
    data = resources.files("neurona.datasets").joinpath("data", name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == SHA256[name]


def test_licence_notes_ship_with_the_data():
    text = resources.files("neurona.datasets").joinpath("data", "LICENSES.md").read_text("utf-8")
    for phrase in ("CC BY 4.0", "CC BY-NC 4.0", "ETHICAL WARNING", "Coin Metrics", *SHA256):
        assert phrase in text


def test_breast_cancer_coimbra():
    data = tabular.load_breast_cancer_coimbra()
    X, y = data
    assert X.shape == (116, 9) and X.dtype == np.float32 and y.dtype == np.int64
    assert np.bincount(y).tolist() == [52, 64]  # 52 healthy controls, 64 patients
    assert data.feature_names[:3] == ("Age", "BMI", "Glucose")
    # column means from the paper (data README): Age 57.30, Glucose 97.79, Resistin 14.73
    np.testing.assert_allclose(X.mean(axis=0)[[0, 2, 7]], [57.30, 97.79, 14.73], atol=5e-3)


def test_boston_housing_drops_b_by_default():
    data = tabular.load_boston_housing()
    assert data.data.shape == (506, 12) and "B" not in data.feature_names
    assert data.target.dtype == np.float32 and data.target_name == "MEDV"
    assert float(data.target.mean()) == pytest.approx(22.532806, abs=1e-4)
    assert (data.target == 50.0).sum() == 16  # censored at the top of the scale
    assert "Black residents" in data.description


def test_boston_housing_with_b_warns():
    with pytest.warns(UserWarning, match="Black residents"):
        data = tabular.load_boston_housing(drop_b=False)
    assert data.data.shape == (506, 13) and data.feature_names[11] == "B"
    assert float(data.data[:, 11].mean()) == pytest.approx(356.674032, abs=1e-3)


@pytest.mark.parametrize(
    "coin, n, first, last",
    [("btc", 3546, "2010-07-18", "2020-04-01"), ("eth", 1733, "2015-08-08", "2020-05-05")],
)
def test_crypto_prices(coin, n, first, last):
    dates, close = tabular.load_crypto_prices(coin)
    assert dates.shape == close.shape == (n,) and close.dtype == np.float32
    assert str(dates[0]) == first and str(dates[-1]) == last
    assert (np.diff(dates) == np.timedelta64(1, "D")).all()  # daily, no gaps
    assert (close > 0).all()


def test_crypto_peaks_from_the_data_readme():
    dates, close = tabular.load_crypto_prices("BTC", dtype="float64")
    assert str(dates[close.argmax()]) == "2017-12-16" and close.max() == pytest.approx(
        19640.51, abs=0.01
    )
    with pytest.raises(ValueError, match="'btc' or 'eth'"):
        tabular.load_crypto_prices("doge")


def test_read_csv_error_names_the_shipped_files():
    with pytest.raises(FileNotFoundError, match="boston_housing.csv"):
        tabular.read_csv("missing.csv")


def test_scikit_learn_sets(sklearn):
    X, y = tabular.load_breast_cancer_wisconsin()
    assert X.shape == (569, 30) and X.dtype == np.float32 and np.bincount(y).tolist() == [212, 357]
    X, y = tabular.load_digits()
    assert X.shape == (1797, 64) and set(y.tolist()) == set(range(10))
    X, y = tabular.load_diabetes()
    assert X.shape == (442, 10) and y.dtype == np.float32


def test_missing_scikit_learn_gives_the_pip_command(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_sklearn(name, *args, **kwargs):
        if name.startswith("sklearn"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    with pytest.raises(ImportError, match="pip install scikit-learn"):
        tabular.load_digits()
