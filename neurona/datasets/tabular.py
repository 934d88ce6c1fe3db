"""Real tabular data sets: the CSVs shipped in ``neurona/datasets/data`` (Breast Cancer Coimbra,
Boston housing, Bitcoin/Ethereum daily prices; licences in ``data/LICENSES.md``) and
scikit-learn's bundled sets (Wisconsin breast cancer, digits, diabetes) when it is installed."""

from __future__ import annotations

import csv
import io
import warnings
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

__all__ = [
    "TabularData",
    "load_boston_housing",
    "load_breast_cancer_coimbra",
    "load_breast_cancer_wisconsin",
    "load_crypto_prices",
    "load_diabetes",
    "load_digits",
    "read_csv",
]


@dataclass(frozen=True)
class TabularData:
    """A table split into features and target. Unpacks like a pair: ``X, y = load_…()``.

    Attributes:
        data: X, float32 (n_samples, n_features).
        target: y, (n_samples,): int64 class labels or float32 values.
        feature_names: one name per column of X.
        target_name: the name of y.
        description: source, licence and notes.

    Example:
        >>> X, y = TabularData(np.zeros((2, 1), np.float32), np.array([0, 1]), ("a",), "y", "")
        >>> X.shape, y.tolist()
        ((2, 1), [0, 1])
    """

    data: np.ndarray
    target: np.ndarray
    feature_names: tuple[str, ...]
    target_name: str
    description: str = field(default="", repr=False)

    def __iter__(self):
        return iter((self.data, self.target))


def read_csv(name: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows (as strings) of a CSV shipped in ``neurona/datasets/data``, read through
    ``importlib.resources`` so that it works from an installed wheel or a zip.

    Example:
        >>> header, rows = read_csv("boston_housing.csv"); header[-1], len(rows)
        ('MEDV', 506)
    """
    source = resources.files("neurona.datasets").joinpath("data", name)
    if not source.is_file():
        shipped = sorted(
            p.name
            for p in resources.files("neurona.datasets").joinpath("data").iterdir()
            if p.name.endswith(".csv")
        )
        raise FileNotFoundError(
            f"read_csv: expected one of the shipped files {shipped}, got "
            f"{name!r}. Reinstall neurona if a shipped file is missing."
        )
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8"))))
    return rows[0], rows[1:]


def load_breast_cancer_coimbra() -> TabularData:
    """Breast Cancer Coimbra (UCI id 451; Patrício et al., BMC Cancer 18:29, 2018; CC BY 4.0).

    116 women (64 patients, 52 healthy controls), 9 blood-analysis features: Age, BMI, Glucose,
    Insulin, HOMA, Leptin, Adiponectin, Resistin, MCP.1. The file's ``Classification`` (1 =
    healthy control, 2 = patient) becomes y = Classification − 1: 0 healthy, 1 patient. The
    course's pre-screening study (docs/course.md B12) uses these features.

    Returns:
        TabularData with X float32 (116, 9) and y int64 (116,).

    Example:
        >>> X, y = load_breast_cancer_coimbra(); X.shape, np.bincount(y).tolist()
        ((116, 9), [52, 64])
    """
    header, rows = read_csv("breast_cancer_coimbra.csv")
    table = np.array(rows, dtype=np.float64)
    return TabularData(
        table[:, :-1].astype(np.float32),
        table[:, -1].astype(np.int64) - 1,
        tuple(header[:-1]),
        "patient",
        "Breast Cancer Coimbra, UCI id 451, CC BY 4.0 (credit UCI and the paper).",
    )


_B_WARNING = (
    "the Boston housing column B = 1000(Bk − 0.63)², with Bk the proportion of Black residents "
    "by town, encodes the authors' assumption that racial self-segregation affects house "
    "prices; scikit-learn removed load_boston (1.2) for this reason. Do not present it as a "
    "neutral feature: drop it (drop_b=True, the default) or discuss it explicitly."
)


def load_boston_housing(drop_b: bool = True) -> TabularData:
    """Boston house prices (Harrison & Rubinfeld 1978, 1970 US Census; no explicit licence).

    506 towns; target MEDV, the median home value in $1000s (censored at 50.0 in 16 rows).
    Features: CRIM, ZN, INDUS, CHAS, NOX, RM, AGE, DIS, RAD, TAX, PTRATIO, (B), LSTAT. The
    course's linear-neuron lab (docs/course.md B1) uses it.

    ETHICAL WARNING: the column ``B = 1000(Bk − 0.63)²``, Bk the proportion of Black residents,
    was built on the assumption that racial self-segregation affects house prices; scikit-learn
    deprecated and removed ``load_boston`` (1.0 → 1.2) for this reason and because the set is
    poorly suited to benchmarking. ``B`` is therefore dropped by default; ``drop_b=False`` keeps
    it (for a lab that discusses it) and emits a UserWarning.

    Returns:
        TabularData with X float32 (506, 12), or (506, 13) with B, and y float32 (506,).

    Example:
        >>> data = load_boston_housing(); X, y = data
        >>> X.shape, y.dtype, "B" in data.feature_names
        ((506, 12), dtype('float32'), False)
    """
    header, rows = read_csv("boston_housing.csv")
    table = np.array(rows, dtype=np.float64)
    columns = [i for i, name in enumerate(header[:-1]) if not (drop_b and name == "B")]
    if not drop_b:
        warnings.warn(f"load_boston_housing(drop_b=False): {_B_WARNING}", UserWarning, stacklevel=2)
    return TabularData(
        table[:, columns].astype(np.float32),
        table[:, -1].astype(np.float32),
        tuple(header[i] for i in columns),
        "MEDV",
        "Boston housing, Harrison & Rubinfeld (1978). " + _B_WARNING,
    )


_CRYPTO = {"btc": "btc_daily_close_coinmetrics.csv", "eth": "eth_daily_close_coinmetrics.csv"}


def load_crypto_prices(coin: str = "btc", dtype="float32") -> tuple[np.ndarray, np.ndarray]:
    """Daily closing prices in USD of Bitcoin or Ethereum (Coin Metrics community data).

    ``close`` is Coin Metrics' PriceUSD, the end-of-day USD reference rate at 00:00 UTC.
    BTC: 3546 days, 2010-07-18 to 2020-04-01; ETH: 1733 days, 2015-08-08 to 2020-05-05; no
    gaps. For the course's forecasting labs (docs/course.md B7–B11); cut windows with
    ``timeseries_windows``.

    LICENCE: CC BY-NC 4.0, "This work by Coin Metrics, Inc is licensed under the Creative
    Commons Attribution-NonCommercial 4.0 International License". Non-commercial use only, with
    attribution to Coin Metrics.

    Args:
        coin: 'btc' or 'eth'.
        dtype: dtype of the prices (float32 by default; float64 keeps every digit).

    Returns:
        (dates, close): datetime64[D] (n,) and prices (n,).

    Example:
        >>> dates, close = load_crypto_prices("eth"); dates[0], close.shape
        (np.datetime64('2015-08-08'), (1733,))
    """
    key = str(coin).lower()
    if key not in _CRYPTO:
        raise ValueError(f"load_crypto_prices: expected coin 'btc' or 'eth', got {coin!r}.")
    _, rows = read_csv(_CRYPTO[key])
    dates = np.array([row[0] for row in rows], dtype="datetime64[D]")
    return dates, np.array([row[1] for row in rows], dtype=np.float64).astype(dtype)


def _sklearn_datasets(loader: str):
    try:
        import sklearn.datasets
    except ImportError:
        raise ImportError(
            f"{loader}: expected scikit-learn (its bundled copy of the data), got "
            "no module 'sklearn'. Install it with: pip install scikit-learn "
            "(or pip install 'neurona[data]')."
        ) from None
    return sklearn.datasets


def _from_bunch(bunch, target_dtype, target_name: str) -> TabularData:
    return TabularData(
        np.asarray(bunch.data, dtype=np.float32),
        np.asarray(bunch.target).astype(target_dtype),
        tuple(str(name) for name in bunch.feature_names),
        target_name,
        str(bunch.DESCR),
    )


def load_breast_cancer_wisconsin() -> TabularData:
    """Breast cancer Wisconsin (diagnostic), through scikit-learn's bundled copy (no download).

    569 tumours, 30 features computed from images of cell nuclei; y: 0 malignant, 1 benign
    (scikit-learn's coding). The course's logistic-neuron lab (docs/course.md B2) uses it.

    Returns:
        TabularData with X float32 (569, 30) and y int64 (569,).

    Raises:
        ImportError: scikit-learn is not installed (``pip install scikit-learn``).

    Example:
        >>> X, y = load_breast_cancer_wisconsin()  # doctest: +SKIP
        >>> X.shape, np.bincount(y).tolist()  # doctest: +SKIP
        ((569, 30), [212, 357])
    """
    datasets = _sklearn_datasets("load_breast_cancer_wisconsin")
    return _from_bunch(datasets.load_breast_cancer(), np.int64, "benign")


def load_digits() -> TabularData:
    """8×8 handwritten digits (UCI optdigits test set), through scikit-learn (no download).

    Returns:
        TabularData with X float32 (1797, 64), pixel values 0–16, and y int64 digits 0–9.
        ``X.reshape(-1, 8, 8)`` gives the images.

    Raises:
        ImportError: scikit-learn is not installed (``pip install scikit-learn``).

    Example:
        >>> X, y = load_digits()  # doctest: +SKIP
        >>> X.shape, y[:5].tolist()  # doctest: +SKIP
        ((1797, 64), [0, 1, 2, 3, 4])
    """
    return _from_bunch(_sklearn_datasets("load_digits").load_digits(), np.int64, "digit")


def load_diabetes(scaled: bool = True) -> TabularData:
    """Diabetes progression (Efron et al. 2004), through scikit-learn (no download).

    442 patients, 10 baseline features (age, sex, bmi, bp, s1–s6); y: a quantitative measure of
    disease progression one year after baseline. ``scaled`` gives scikit-learn's centred
    columns scaled to unit Euclidean norm; False gives the raw values.

    Returns:
        TabularData with X float32 (442, 10) and y float32 (442,).

    Raises:
        ImportError: scikit-learn is not installed (``pip install scikit-learn``).

    Example:
        >>> X, y = load_diabetes()  # doctest: +SKIP
        >>> X.shape, y.shape  # doctest: +SKIP
        ((442, 10), (442,))
    """
    datasets = _sklearn_datasets("load_diabetes")
    return _from_bunch(datasets.load_diabetes(scaled=scaled), np.float32, "progression")
