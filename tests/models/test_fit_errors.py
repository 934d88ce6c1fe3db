"""Clear errors from fit / evaluate / predict: what was expected, what was got, where, and how
to fix it (docs/design.md, "Rules that keep it safe")."""

from __future__ import annotations

import numpy as np
import pytest

from neurona import layers, models


@pytest.fixture(autouse=True)
def _fresh_names():
    layers.reset_layer_names()


def _classifier(with_input=True):
    stack = [layers.Input((784,))] if with_input else []
    model = models.Sequential([*stack, layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def test_images_into_a_dense_expecting_784_features(rng):
    images = rng.random((32, 28, 28)).astype("float32")
    one_hot = np.eye(10)[rng.integers(0, 10, 32)]
    with pytest.raises(
        ValueError,
        match=r"expects data of shape \(None, 784\).*got shape "
        r"\(32, 28, 28\)",
    ):
        _classifier().fit(images, one_hot, verbose=0)
    model = _classifier(with_input=False)
    model.fit(rng.random((32, 784)), one_hot, verbose=0)  # builds the Dense for 784 features
    with pytest.raises(
        ValueError,
        match=r"Dense 'dense(_\d+)?' expects inputs whose last axis "
        r"has size 784, got shape \(32, 28, 28\)\. Add "
        r"layers\.Flatten\(\)",
    ):
        model.predict(images, verbose=0)


def test_integer_labels_with_categorical_crossentropy_say_what_to_use(rng):
    x = rng.random((32, 784)).astype("float32")
    labels = rng.integers(0, 10, 32)
    with pytest.raises(
        ValueError,
        match=r"got integer labels of shape \(32,\); use "
        r"'sparse_categorical_crossentropy' or one-hot encode "
        r"them with nr\.utils\.to_categorical\(y, 10\)",
    ):
        _classifier().fit(x, labels, verbose=0)


def test_one_hot_labels_with_sparse_crossentropy_say_what_to_use(rng):
    model = models.Sequential([layers.Input((4,)), layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="use 'categorical_crossentropy'"):
        model.fit(rng.random((8, 4)), np.eye(3)[rng.integers(0, 3, 8)], verbose=0)


@pytest.mark.parametrize("bad, what", [(np.nan, "NaN"), (np.inf, "inf")])
def test_nan_or_inf_in_inputs_names_the_argument(rng, bad, what):
    model = _classifier()
    x = rng.random((8, 784)).astype("float32")
    x[3, 5] = bad
    y = np.eye(10)[rng.integers(0, 10, 8)]
    with pytest.raises(
        ValueError, match=f"fit: x contains {what} \\(1 values\\)\\. Remove or impute"
    ):
        model.fit(x, y, verbose=0)
    clean = np.nan_to_num(x, nan=0.0, posinf=0.0)
    with pytest.raises(ValueError, match=f"fit \\(validation_data\\): x contains {what}"):
        model.fit(clean, y, validation_data=(x, y), verbose=0)
    with pytest.raises(ValueError, match=f"evaluate: x contains {what}"):
        model.evaluate(x, y, verbose=0)
    with pytest.raises(ValueError, match=f"predict: x contains {what}"):
        model.predict(x, verbose=0)
    weights = np.ones(8)
    weights[0] = np.nan
    with pytest.raises(ValueError, match="fit: sample_weight contains NaN"):
        model.fit(clean, y, sample_weight=weights, verbose=0)


def test_bad_batch_and_step_arguments(rng):
    model = _classifier()
    x, y = rng.random((8, 784)), np.eye(10)[rng.integers(0, 10, 8)]
    with pytest.raises(ValueError, match="batch_size to be a positive int, got 0.5"):
        model.fit(x, y, batch_size=0.5, verbose=0)
    with pytest.raises(ValueError, match="steps_per_epoch to be a positive int or None, got 0"):
        model.fit(x, y, steps_per_epoch=0, verbose=0)
