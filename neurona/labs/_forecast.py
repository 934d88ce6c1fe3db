"""Side: the pseudo-out-of-sample forecast shared by the price-forecasting labs (docs/course.md E4,
B7–B11): cut the daily prices into a training period and a test period (the last days), scale
with the training period's minimum and maximum only, train on windows of ``lookback`` days,
then forecast each test day from the actual prices of the days before it (one step ahead),
and compare with the naive forecast (tomorrow = today) by RMSE and MAE.

    training period                          test period (the last ``test_days``)
    s[0] … s[T−m−1]                          s[T−m] … s[T−1]
    scaled by min/max of the training period only: no information from the test period leaks
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from neurona import datasets
from neurona.i18n import text
from neurona.labs._progress import fit_kwargs
from neurona.labs._report import Report
from neurona.utils import set_random_seed

__all__ = [
    "ForecastData",
    "format_table",
    "mae",
    "metrics_table",
    "naive_forecast",
    "one_step_forecast",
    "prepare",
    "rmse",
    "run_forecast_lab",
]


def rmse(actual: ArrayLike, forecast: ArrayLike) -> float:
    """Root mean squared error:  RMSE = √((1/n) Σₜ (yₜ − ŷₜ)²).

    Example:
        >>> rmse([1.0, 2.0, 3.0], [1.0, 2.0, 5.0])  # √(4/3)
        1.1547005383792515
    """
    actual, forecast = _pair("rmse", actual, forecast)
    return float(np.sqrt(np.mean((actual - forecast) ** 2)))


def mae(actual: ArrayLike, forecast: ArrayLike) -> float:
    """Mean absolute error:  MAE = (1/n) Σₜ |yₜ − ŷₜ|.

    Example:
        >>> mae([1.0, 2.0, 3.0], [2.0, 2.0, 5.0])  # (1 + 0 + 2) / 3
        1.0
    """
    actual, forecast = _pair("mae", actual, forecast)
    return float(np.mean(np.abs(actual - forecast)))


def _pair(where: str, actual: ArrayLike, forecast: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    actual = np.asarray(actual, dtype=np.float64).ravel()
    forecast = np.asarray(forecast, dtype=np.float64).ravel()
    if actual.shape != forecast.shape or actual.size == 0:
        raise ValueError(
            f"{where}: expected actual and forecast values of one non-zero length, "
            f"got {actual.size} and {forecast.size}."
        )
    return actual, forecast


def naive_forecast(series: ArrayLike, test_days: int) -> np.ndarray:
    """The naive (random-walk) forecast of the last ``test_days`` values: ŷₜ = yₜ₋₁.

    Example:
        >>> naive_forecast([10.0, 11.0, 13.0, 12.0], test_days=2).tolist()
        [11.0, 13.0]
    """
    series = np.asarray(series)
    if not 1 <= test_days < len(series):
        raise ValueError(
            f"naive_forecast: expected 1 <= test_days < {len(series)} (the series "
            f"length), got {test_days}."
        )
    return series[len(series) - test_days - 1 : -1].copy()


@dataclass
class ForecastData:
    """One series prepared for a pseudo-out-of-sample forecast (what :func:`prepare` returns).

    Attributes:
        dates, prices: the used part of the series (training + test periods), shape (T,).
        low, high: the scaler, min and max of the training period: s' = (s − low)/(high − low).
        x_train, y_train: scaled windows and next-day targets, all inside the training period;
            x (n, lookback) for an MLP or (n, lookback, 1) for a recurrent layer, y (n, 1).
        x_test: scaled windows ending the day before each test day, like x_train.
        lookback, test_days: as given.

    Example:
        >>> data = prepare(np.arange(10.0), lookback=3, test_days=2)
        >>> data.x_train.shape, data.x_test.shape, data.actual.tolist()
        ((5, 3), (2, 3), [8.0, 9.0])
    """

    dates: np.ndarray
    prices: np.ndarray
    low: float
    high: float
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    lookback: int
    test_days: int

    @property
    def actual(self) -> np.ndarray:
        """The prices of the test period, shape (test_days,)."""
        return self.prices[-self.test_days :]

    @property
    def test_dates(self) -> np.ndarray:
        """The dates of the test period."""
        return self.dates[-self.test_days :]

    def scale(self, values: ArrayLike) -> np.ndarray:
        """s' = (s − low) / (high − low), float32."""
        return ((np.asarray(values, dtype=np.float64) - self.low) / (self.high - self.low)).astype(
            np.float32
        )

    def unscale(self, values: ArrayLike) -> np.ndarray:
        """s = low + s' (high − low), float64 (back to prices)."""
        return self.low + np.asarray(values, dtype=np.float64) * (self.high - self.low)


def prepare(
    prices: ArrayLike,
    lookback: int = 14,
    test_days: int = 60,
    train_days: int | None = None,
    dates: ArrayLike | None = None,
    sequence: bool = False,
) -> ForecastData:
    """Split a price series chronologically, scale it on the training period, cut windows.

        training period: the ``train_days`` values before the last ``test_days`` (all of them
        when None); test period: the last ``test_days`` values.
        x[i] = (s'ₜ₋ₗ, …, s'ₜ₋₁),  y[i] = s'ₜ   (one step ahead, L = lookback)

    Each training target and every value of its window lie in the training period; a test
    window ends the day before its test day and uses actual prices (known by then).

    Args:
        prices: the daily prices, shape (T,).
        lookback: L, the days a forecast looks back on.
        test_days: m, the days forecast at the end of the series.
        train_days: how many days before the test period to train on (None: all).
        dates: the dates of ``prices`` (default 0 … T − 1).
        sequence: windows shaped (n, L, 1) (batch, time, features) for LSTM/GRU layers instead
            of (n, L) for Dense.

    Example:
        >>> data = prepare(np.arange(10.0), lookback=3, test_days=2)
        >>> data.low, data.high  # the scaler saw the training period 0 … 7 only
        (0.0, 7.0)
        >>> (data.x_test * 7).round(4).tolist()  # test windows end the day before 8 and 9
        [[5.0, 6.0, 7.0], [6.0, 7.0, 8.0]]
    """
    prices = np.asarray(prices, dtype=np.float64).ravel()
    dates = np.arange(len(prices)) if dates is None else np.asarray(dates)
    if train_days is not None:
        prices, dates = prices[-(train_days + test_days) :], dates[-(train_days + test_days) :]
    n_train = len(prices) - test_days
    if test_days < 1 or n_train < lookback + 1:
        raise ValueError(
            f"prepare: expected 1 <= test_days and a training period of at least "
            f"lookback + 1 = {lookback + 1} days, got test_days={test_days} and "
            f"{n_train} training days. Use a shorter lookback or more data."
        )
    train = prices[:n_train]
    _, low, high = datasets.normalize(train, axis=None)  # min, max of the training period only
    data = ForecastData(
        dates, prices, float(low), float(high), None, None, None, lookback, test_days
    )
    scaled = data.scale(prices)
    x_train, y_train = datasets.timeseries_windows(scaled[:n_train], lookback)
    # the windows whose target is a test day: they start at T − m − L
    x_test, _ = datasets.timeseries_windows(scaled[n_train - lookback :], lookback)
    shape = (lambda x: x[..., None]) if sequence else (lambda x: x)
    data.x_train, data.y_train, data.x_test = shape(x_train), y_train[:, None], shape(x_test)
    return data


def one_step_forecast(predict: Callable[[np.ndarray], Any], data: ForecastData) -> np.ndarray:
    """The model's one-step-ahead forecast of each test day, in prices.

        ŷₜ = unscale(model(s'ₜ₋ₗ, …, s'ₜ₋₁))   for each day t of the test period

    Day by day, each forecast uses the actual prices before its day (never an earlier
    forecast); as all those inputs are known, the test days go through the model as one batch.

    Example:
        >>> data = prepare(np.arange(10.0), lookback=3, test_days=2)
        >>> last_value = lambda x: x[:, -1:]          # the naive model on scaled windows
        >>> one_step_forecast(last_value, data).round(3).tolist()  # float32 windows
        [7.0, 8.0]
    """
    forecast = np.asarray(predict(data.x_test), dtype=np.float64).reshape(-1)
    return data.unscale(forecast)


def metrics_table(actual: ArrayLike, forecasts: dict[str, ArrayLike]) -> list[dict]:
    """One row per forecast: its RMSE and MAE against ``actual``, and its RMSE relative to the
    naive forecast's (when one is called "naive"; < 1 means better than naive).

    Example:
        >>> rows = metrics_table([1.0, 2.0], {"naive": [0.0, 2.0], "model": [1.0, 1.5]})
        >>> [(row["model"], row["mae"], row["rmse_vs_naive"]) for row in rows]
        [('naive', 0.5, 1.0), ('model', 0.25, 0.5)]
    """
    rows = [
        {"model": name, "rmse": rmse(actual, f), "mae": mae(actual, f)}
        for name, f in forecasts.items()
    ]
    if "naive" in forecasts:
        naive = rmse(actual, forecasts["naive"])
        for row in rows:
            row["rmse_vs_naive"] = row["rmse"] / naive if naive > 0 else float("nan")
    return rows


def format_table(rows: list[dict]) -> str:
    """The metrics table as aligned text lines.

    Example:
        >>> print(format_table([{"model": "naive", "rmse": 2.0, "mae": 1.5}]))
        model                 RMSE         MAE
        naive               2.0000      1.5000
    """
    lines = [f"{'model':<14}{'RMSE':>12}{'MAE':>12}"]
    for row in rows:
        extra = f"   ({row['rmse_vs_naive']:.3f} × naive)" if "rmse_vs_naive" in row else ""
        lines.append(
            f"{row['model']:<14}{row['rmse']:>12.4f}{row['mae']:>12.4f}"
            + (extra if row["model"] != "naive" else "")
        )
    return "\n".join(lines)


def run_forecast_lab(
    name: str,
    builders: dict[str, Callable[[ForecastData], Any]],
    *,
    coin: str = "btc",
    lookback: int = 14,
    test_days: int = 60,
    train_days: int | None = 1095,
    epochs: int = 100,
    batch_size: int = 32,
    sequence: bool = False,
    seed: int = 0,
    out: Any = None,
    callbacks: Callable[[], list] | None = None,
    validation_split: float = 0.1,
    print_fn: Any = print,
) -> dict:
    """The whole lab: load the prices, :func:`prepare`, build and fit each model
    (``builders[label](data)`` returns a compiled Keras-style model), forecast the test period
    one step ahead, add the naive forecast, tabulate, plot and write the report.

    The last ``validation_split`` of the training windows (the most recent ones, as Keras cuts
    them before shuffling) is held out for validation; ``callbacks()`` makes fresh callbacks
    (e.g. EarlyStopping) for each model.

    Returns:
        a dict: ``table`` (rows of model, rmse, mae, rmse_vs_naive), ``forecasts`` (label →
        prices), ``actual``, ``test_dates``, ``histories`` and the settings. The report folder
        gets metrics.json, table.txt (the table as printed), forecast.png, curves.png and one
        model file per model.

    Example:
        >>> from neurona import layers, models
        >>> def linear(data):
        ...     model = models.Sequential([layers.Input((data.lookback,)), layers.Dense(1)])
        ...     model.compile(optimizer="adam", loss="mse")
        ...     return model
        >>> results = run_forecast_lab("demo", {"linear": linear}, lookback=3, test_days=5,
        ...                            train_days=60, epochs=1, out=False, print_fn=None)
        >>> [row["model"] for row in results["table"]], len(results["forecasts"]["linear"])
        (['naive', 'linear'], 5)
    """
    say = print_fn or (lambda line: None)
    dates, prices = datasets.load_crypto_prices(coin, dtype="float64")
    data = prepare(prices, lookback, test_days, train_days, dates, sequence)
    say(
        text(
            "{name}: {coin} daily close, {windows} training windows of {lookback} days (to "
            "{end}), forecasting {days} days {first} … {last} one step ahead",
            name=name,
            coin=coin.upper(),
            windows=len(data.x_train),
            lookback=lookback,
            end=data.dates[-test_days - 1],
            days=test_days,
            first=data.test_dates[0],
            last=data.test_dates[-1],
        )  # fmt: skip
    )
    forecasts = {"naive": naive_forecast(data.prices, test_days)}
    histories, trained = {}, {}
    for label, build in builders.items():
        set_random_seed(seed)
        model = build(data)
        history = model.fit(
            data.x_train,
            data.y_train,
            epochs=epochs,
            batch_size=batch_size,
            validation_split=validation_split,
            shuffle=True,
            **fit_kwargs(print_fn, callbacks() if callbacks else ()),
        )
        histories[label] = {k: [float(v) for v in vals] for k, vals in history.history.items()}
        forecasts[label] = one_step_forecast(
            lambda x, m=model: m.predict(x, batch_size=256, verbose=0), data
        )
        trained[label] = model
    table = metrics_table(data.actual, forecasts)
    say(format_table(table))
    results = {
        "lab": name,
        "coin": coin,
        "lookback": lookback,
        "test_days": test_days,
        "train_days": train_days,
        "epochs": epochs,
        "batch_size": batch_size,
        "seed": seed,
        "scaler": {"low": data.low, "high": data.high},
        "table": table,
        "test_dates": [str(d) for d in data.test_dates],
        "actual": data.actual.tolist(),
        "forecasts": {k: v.tolist() for k, v in forecasts.items()},
        "histories": histories,
    }
    with Report(name, out) as report:
        _write_report(report, name, coin, data, forecasts, histories, trained, results)
    return results


def _write_report(
    report: Report,
    name: str,
    coin: str,
    data: ForecastData,
    forecasts: dict,
    histories: dict,
    trained: dict,
    results: dict,
) -> None:
    if not report.enabled:
        return
    from neurona import viz

    report.write_json("metrics.json", results)
    table = report.path("table.txt")  # the metrics table as printed, for reading without code
    table.write_text(format_table(results["table"]) + "\n", encoding="utf-8")
    report.files.append(table)
    report.plot(
        "forecast.png",
        viz.plot_forecast,
        data.actual,
        forecasts,
        index=data.test_dates,
        title=f"{name}: {coin.upper()} one-step-ahead forecast",
    )
    curves = {
        f"{label} {key}": values
        for label, history in histories.items()
        for key, values in history.items()
        if key in ("loss", "val_loss")
    }
    report.plot(
        "curves.png",
        viz.plot_curves,
        curves,
        ylabel="MSE (scaled prices)",
        title=f"{name}: training curves",
        logy=True,
    )
    for label, model in trained.items():
        report.save_model(model, f"model-{label}.neurona" if len(trained) > 1 else "model.neurona")
