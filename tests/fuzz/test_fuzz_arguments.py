"""Random bad arguments (issue 12) to fit, evaluate, predict, compile and the layer
constructors (then a call on a small batch): every outcome is a result, or a ValueError or
TypeError raised by neurona itself whose message says what was expected; never a raw NumPy or
Python error from deep inside. Fixed seeds (derandomize) keep CI repeatable."""

from __future__ import annotations

import math
import os
import traceback
from pathlib import Path

import numpy as np
import pytest
from _hostile import FUZZ_COUNTS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import neurona
from neurona import layers
from neurona.models import Sequential

SCALE = int(os.environ.get("NEURONA_FUZZ_SCALE", "1"))
SETTINGS = settings(
    derandomize=SCALE == 1,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PACKAGE = str(Path(neurona.__file__).parent)

bad = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([0, -1, -(10**9), 10**12, 2**63, 0.5, 2.5, -0.0, math.nan, math.inf]),
    st.integers(-5, 40),
    st.floats(-10, 10),
    st.sampled_from(["", "2", "abc", "relu", "same", "auto", "batch", "0.2"]),
    st.sampled_from([[], [1], (2, 2), {}, {0: 1.0}, {"a": "b"}, [0.1, "x"], object()]),
)


def _outcome(suite: str, call) -> None:
    """Run ``call``; record its outcome; fail on an error that is not neurona's own."""
    try:
        call()
    except (ValueError, TypeError) as error:
        frames = traceback.extract_tb(error.__traceback__)
        raised_in = frames[-1].filename if frames else ""
        message = str(error)
        # neurona's own: raised by a raise statement of neurona (not by NumPy or Python inside
        # it), with a message naming the place (the house form "where: expected …, got …")
        ours = (
            raised_in.startswith(PACKAGE)
            and (frames[-1].line or "").startswith("raise ")
            and len(message) > 30
        )
        assert ours, f"a raw {type(error).__name__} from {raised_in}:{frames[-1].lineno}: {message}"
        FUZZ_COUNTS[suite][type(error).__name__] += 1
    else:
        FUZZ_COUNTS[suite]["result"] += 1


@pytest.fixture(scope="module")
def model():
    m = Sequential([layers.Input((4,)), layers.Dense(3, activation="softmax")])
    m.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return m


X = np.random.default_rng(0).random((6, 4)).astype("float32")
Y = np.arange(6) % 3

FIT = ["batch_size", "epochs", "verbose", "validation_split", "shuffle", "class_weight"]
FIT += ["initial_epoch", "steps_per_epoch", "validation_freq", "sample_weight"]


@settings(SETTINGS, max_examples=80 * SCALE)
@given(st.dictionaries(st.sampled_from(FIT), bad, min_size=1, max_size=3))
def test_fit(model, kwargs):
    kwargs.setdefault("verbose", 0)
    if kwargs.get("epochs") in (10**12, 2**63) or kwargs.get("steps_per_epoch") in (10**12, 2**63):
        kwargs["epochs"] = 1  # a valid but endless run is not the point here
    _outcome("fit arguments", lambda: model.fit(X, Y, **kwargs))


@settings(SETTINGS, max_examples=40 * SCALE)
@given(
    st.dictionaries(st.sampled_from(["batch_size", "verbose", "steps", "sample_weight"]), bad),
    st.sampled_from(["evaluate", "predict"]),
)
def test_evaluate_and_predict(model, kwargs, method):
    kwargs.setdefault("verbose", 0)
    if method == "predict":
        kwargs.pop("sample_weight", None)
        _outcome("predict arguments", lambda: model.predict(X, **kwargs))
    else:
        _outcome("evaluate arguments", lambda: model.evaluate(X, Y, **kwargs))


@settings(SETTINGS, max_examples=40 * SCALE)
@given(st.dictionaries(st.sampled_from(["optimizer", "loss", "metrics", "loss_weights"]), bad))
def test_compile(kwargs):
    m = Sequential([layers.Input((4,)), layers.Dense(3)])
    _outcome("compile arguments", lambda: m.compile(**kwargs))


CONSTRUCTORS = {
    "Dense": (layers.Dense, ["units", "activation", "use_bias"], (2, 4)),
    "Conv2D": (layers.Conv2D, ["filters", "kernel_size", "strides", "padding"], (1, 5, 5, 2)),
    "Conv1D": (layers.Conv1D, ["filters", "kernel_size", "dilation_rate"], (1, 6, 2)),
    "Dropout": (layers.Dropout, ["rate"], (2, 4)),
    "LSTM": (layers.LSTM, ["units", "activation", "return_sequences"], (1, 3, 2)),
    "SimpleRNN": (layers.SimpleRNN, ["units", "activation", "dropout"], (1, 3, 2)),
    "Embedding": (layers.Embedding, ["input_dim", "output_dim"], None),
    "MaxPooling2D": (layers.MaxPooling2D, ["pool_size", "strides", "padding"], (1, 4, 4, 1)),
    "Activation": (layers.Activation, ["activation"], (2, 4)),
    "Reshape": (layers.Reshape, ["target_shape"], (2, 4)),
    "ReLU": (layers.ReLU, ["max_value", "negative_slope", "threshold"], (2, 4)),
    "BatchNormalization": (layers.BatchNormalization, ["momentum", "epsilon", "axis"], (2, 4)),
}
GOOD = {"units": 3, "filters": 2, "kernel_size": 2, "input_dim": 5, "output_dim": 2}
GOOD |= {"activation": "relu", "rate": 0.5, "target_shape": (2, 2), "pool_size": 2}


@settings(SETTINGS, max_examples=120 * SCALE)
@given(st.sampled_from(sorted(CONSTRUCTORS)), st.data())
def test_layer_constructors_and_a_call(name, data):
    cls, arguments, shape = CONSTRUCTORS[name]
    chosen = data.draw(st.lists(st.sampled_from(arguments), min_size=1, unique=True))
    kwargs = {a: GOOD[a] for a in arguments if a in GOOD}
    kwargs |= {a: data.draw(bad, label=a) for a in chosen}

    def build_and_call():
        layer = cls(**kwargs)
        x = np.ones(shape, "float32") if shape else np.array([[0, 1, 4]])
        layer(x)

    _outcome("layer arguments", build_and_call)
