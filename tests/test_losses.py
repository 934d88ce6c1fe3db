"""neurona.losses: every loss against Keras 3 itself (value and gradient wrt y_pred, through
jax.grad) and PyTorch where the formula is the same, float64 gradient checks of every class,
stability at logits of ±1e4, label errors, and the registry (get, serialize, config)."""

from __future__ import annotations

import numpy as np
import pytest

import neurona as nr
from neurona import losses


def _onehot(rng, n, k):
    return np.eye(k)[rng.integers(0, k, size=n)]


def _data(kind: str, rng):
    """(y_true, y_pred) for a kind of loss, away from kinks and clipping."""
    n = 8
    if kind == "reg":
        return rng.normal(size=(n, 3)), rng.normal(size=(n, 3))
    if kind == "reg_rank":  # labels (n,) with predictions (n, 1): Keras expands the labels
        return rng.normal(size=n), rng.normal(size=(n, 1))
    if kind == "bin_prob":
        return rng.integers(0, 2, size=(n, 1)) * 1.0, rng.uniform(0.05, 0.95, size=(n, 1))
    if kind == "bin_logit":
        return rng.integers(0, 2, size=(n, 3)) * 1.0, rng.normal(size=(n, 3)) * 3
    if kind == "cat_prob":
        return _onehot(rng, n, 4), rng.uniform(0.1, 1.0, size=(n, 4))
    if kind == "cat_logit":
        return _onehot(rng, n, 4), rng.normal(size=(n, 4)) * 3
    if kind == "sparse_prob":
        return rng.integers(0, 4, size=n), rng.uniform(0.1, 1.0, size=(n, 4))
    if kind == "sparse_logit":
        return rng.integers(0, 4, size=(n, 1)), rng.normal(size=(n, 4)) * 3
    if kind in ("hinge01", "hinge_pm"):
        y = rng.integers(0, 2, size=(n, 3)) * 1.0
        p = rng.normal(size=(n, 3))
        p[np.abs(np.abs(p) - 1) < 0.05] += 0.2  # away from y ŷ = 1
        return (y if kind == "hinge01" else 2 * y - 1), p
    if kind == "cat_hinge":
        return _onehot(rng, n, 4), rng.uniform(0.1, 1.0, size=(n, 4))
    if kind == "kl":
        y, p = rng.uniform(0.1, 1, size=(n, 4)), rng.uniform(0.1, 1, size=(n, 4))
        return y / y.sum(-1, keepdims=True), p / p.sum(-1, keepdims=True)
    if kind == "poisson":
        return rng.poisson(2.0, size=(n, 2)) * 1.0, rng.uniform(0.5, 3.0, size=(n, 2))
    raise KeyError(kind)


# (class name, constructor arguments, kind of data, sample weight?)
KERAS_CASES = [
    ("MeanSquaredError", {}, "reg", False),
    ("MeanSquaredError", {}, "reg_rank", False),
    ("MeanSquaredError", {"reduction": "sum"}, "reg", True),
    ("MeanAbsoluteError", {}, "reg", False),
    ("MeanAbsoluteError", {"reduction": "none"}, "reg", True),
    ("Huber", {"delta": 0.7}, "reg", False),
    ("LogCosh", {}, "reg", True),
    ("BinaryCrossentropy", {}, "bin_prob", False),
    ("BinaryCrossentropy", {"label_smoothing": 0.1}, "bin_prob", True),
    ("BinaryCrossentropy", {"from_logits": True}, "bin_logit", False),
    (
        "BinaryCrossentropy",
        {"from_logits": True, "reduction": "mean_with_sample_weight"},
        "bin_logit",
        True,
    ),
    ("CategoricalCrossentropy", {}, "cat_prob", False),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, "cat_logit", True),
    ("SparseCategoricalCrossentropy", {}, "sparse_prob", False),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logit", True),
    (
        "SparseCategoricalCrossentropy",
        {"from_logits": True, "ignore_class": 0},
        "sparse_logit",
        False,
    ),
    ("Hinge", {}, "hinge01", False),
    ("SquaredHinge", {}, "hinge_pm", False),
    ("CategoricalHinge", {}, "cat_hinge", False),
    ("KLDivergence", {}, "kl", False),
    ("Poisson", {}, "poisson", True),
]


def _ids(case):
    name, kwargs, kind, weighted = case
    extra = ",".join(f"{k}={v}" for k, v in kwargs.items())
    return f"{name}({extra})-{kind}" + ("-weighted" if weighted else "")


@pytest.fixture(scope="module")
def keras_value_and_grad(keras):
    import jax
    import jax.numpy as jnp

    def run(loss, y_true, y_pred, sample_weight):
        def f(p):
            value = loss(y_true, p, sample_weight=sample_weight)
            return jnp.sum(value), value

        (_, value), grad = jax.value_and_grad(f, has_aux=True)(jnp.asarray(y_pred))
        return np.asarray(value), np.asarray(grad)

    return run


def _ours(loss, y_true, y_pred, sample_weight):
    p = nr.tensor(y_pred, requires_grad=True)
    value = loss(y_true, p, sample_weight=sample_weight)
    value.sum().backward()
    return value, p.grad


@pytest.mark.parametrize("case", KERAS_CASES, ids=_ids)
def test_loss_matches_keras_value_and_gradient(
    case, rng, keras, keras_value_and_grad, oracle_close
):
    name, kwargs, kind, weighted = case
    y_true, y_pred = _data(kind, rng)
    y_true = y_true.astype("int32" if "sparse" in kind else "float32")
    y_pred = y_pred.astype("float32")
    weights = rng.uniform(0.5, 2.0, size=len(y_pred)).astype("float32") if weighted else None
    ours, ours_grad = _ours(getattr(losses, name)(**kwargs), y_true, y_pred, weights)
    theirs, theirs_grad = keras_value_and_grad(
        getattr(keras.losses, name)(**kwargs), y_true, y_pred, weights
    )
    oracle_close(ours, theirs)
    oracle_close(ours_grad, theirs_grad)


@pytest.mark.parametrize("case", KERAS_CASES, ids=_ids)
def test_every_loss_passes_gradcheck_in_float64(case, rng):
    name, kwargs, kind, weighted = case
    y_true, y_pred = _data(kind, rng)
    weights = rng.uniform(0.5, 2.0, size=len(y_pred)) if weighted else None
    loss = getattr(losses, name)(**kwargs)
    report = nr.gradcheck(lambda p: loss(y_true, p, sample_weight=weights), [y_pred])
    assert report.ok, report


def test_losses_match_torch_in_float64(rng, torch, oracle_close):
    tf = torch.nn.functional
    cases = [
        (losses.MeanSquaredError(), "reg", lambda y, p: tf.mse_loss(p, y)),
        (losses.MeanAbsoluteError(), "reg", lambda y, p: tf.l1_loss(p, y)),
        (losses.Huber(delta=0.7), "reg", lambda y, p: tf.huber_loss(p, y, delta=0.7)),
        (
            losses.CategoricalCrossentropy(from_logits=True),
            "cat_logit",
            lambda y, p: tf.cross_entropy(p, y),
        ),
        (
            losses.SparseCategoricalCrossentropy(from_logits=True),
            "sparse_logit",
            lambda y, p: tf.cross_entropy(p, y[:, 0].long()),
        ),
        (
            losses.BinaryCrossentropy(from_logits=True),
            "bin_logit",
            lambda y, p: tf.binary_cross_entropy_with_logits(p, y),
        ),
        (losses.BinaryCrossentropy(), "bin_prob", lambda y, p: tf.binary_cross_entropy(p, y)),
        (losses.KLDivergence(), "kl", lambda y, p: tf.kl_div(p.log(), y, reduction="batchmean")),
        (
            losses.Poisson(),
            "poisson",
            lambda y, p: tf.poisson_nll_loss(p, y, log_input=False, eps=1e-7),
        ),
    ]
    for loss, kind, theirs_fn in cases:
        y_true, y_pred = _data(kind, rng)
        ours, ours_grad = _ours(loss, y_true, y_pred, None)
        p = torch.tensor(y_pred, requires_grad=True)
        theirs = theirs_fn(torch.tensor(y_true), p)
        theirs.backward()
        oracle_close(ours, theirs)
        oracle_close(ours_grad, p.grad)


def test_cross_entropies_from_logits_are_finite_at_1e4():
    z = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]], dtype="float32")
    cases = [
        (losses.CategoricalCrossentropy(from_logits=True), np.eye(3)[[1, 1]]),
        (losses.SparseCategoricalCrossentropy(from_logits=True), np.array([1, 2])),
        (losses.BinaryCrossentropy(from_logits=True), np.eye(3)[[1, 1]]),
    ]
    for loss, y_true in cases:
        value, grad = _ours(loss, y_true, z, None)
        assert np.isfinite(value.item()) and np.isfinite(grad).all(), loss


def test_perceptron_loss_is_the_course_criterion():
    # course L5: max(0, −y ŷ). Samples: y=+1, ŷ=2 (right): 0; y=−1, ŷ=0.5 (wrong): 0.5;
    # y=0 → −1 (Keras's hinge label rule), ŷ=−3 (right): 0.  Mean = 0.5/3
    y_pred = nr.tensor([[2.0], [0.5], [-3.0]], requires_grad=True)
    loss = losses.get("perceptron")
    value = losses.PerceptronLoss()([[1.0], [-1.0], [0.0]], y_pred)
    value.backward()
    assert loss.__name__ == "perceptron"
    np.testing.assert_allclose(value.item(), 0.5 / 3, rtol=1e-6)
    np.testing.assert_allclose(y_pred.grad.ravel(), [0.0, 1 / 3, 0.0], rtol=1e-6)


def test_integer_labels_with_categorical_crossentropy_say_how_to_fix():
    y_pred = np.full((32, 10), 0.1, dtype="float32")
    for labels in (np.arange(32) % 10, (np.arange(32) % 10).reshape(32, 1)):
        with pytest.raises(
            ValueError,
            match=(
                rf"got integer labels of shape \({32},(\s1)?\); use "
                r"'sparse_categorical_crossentropy' or one-hot encode them with "
                r"nr.utils.to_categorical\(y, 10\)"
            ),
        ):
            losses.CategoricalCrossentropy()(labels, y_pred)


def test_label_errors_of_other_losses():
    p = np.full((4, 3), 1 / 3, dtype="float32")
    with pytest.raises(ValueError, match="one-hot.*use 'categorical_crossentropy'"):
        losses.SparseCategoricalCrossentropy()(np.eye(3)[[0, 1, 2, 0]], p)
    with pytest.raises(ValueError, match="labels in 0 … 2 .*got labels from 0 to 3"):
        losses.sparse_categorical_crossentropy([0, 1, 2, 3], p)
    with pytest.raises(
        ValueError, match="mean_squared_error: expected y_true of the same shape.*to_categorical"
    ):
        losses.MeanSquaredError()([0, 1, 2, 0], p)
    with pytest.raises(ValueError, match="sample_weight with one weight per sample"):
        losses.MeanSquaredError()(p, p, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="reduction to be one of"):
        losses.MeanSquaredError(reduction="average")


def test_reductions_and_weights_follow_keras():
    # per-sample losses 1 and 3 (MSE of one output): weights (2, 0)
    y, p = np.zeros((2, 1)), np.array([[1.0], [np.sqrt(3.0)]])
    w = np.array([2.0, 0.0])
    assert losses.MeanSquaredError()(y, p).item() == pytest.approx(2.0)
    assert losses.MeanSquaredError(reduction="sum")(y, p, w).item() == pytest.approx(2.0)
    assert losses.MeanSquaredError()(y, p, w).item() == pytest.approx(1.0)  # ÷ batch size
    assert losses.MeanSquaredError(reduction="mean_with_sample_weight")(
        y, p, w
    ).item() == pytest.approx(1.0)
    assert losses.MeanSquaredError(reduction="none")(y, p).numpy().tolist() == pytest.approx(
        [1.0, 3.0]
    )


@pytest.mark.parametrize(
    "name",
    [
        "MeanSquaredError",
        "MeanAbsoluteError",
        "Huber",
        "LogCosh",
        "BinaryCrossentropy",
        "CategoricalCrossentropy",
        "SparseCategoricalCrossentropy",
        "KLDivergence",
        "Poisson",
        "Hinge",
        "SquaredHinge",
        "CategoricalHinge",
        "PerceptronLoss",
    ],
)
def test_config_round_trips(name):
    loss = losses.get(name)
    again = losses.deserialize(losses.serialize(loss))
    assert type(again) is type(loss) and again.get_config() == loss.get_config()
    assert type(loss).from_config(loss.get_config()).get_config() == loss.get_config()


def test_configs_and_names_equal_keras(keras):
    for name in [
        "MeanSquaredError",
        "BinaryCrossentropy",
        "CategoricalCrossentropy",
        "Hinge",
        "KLDivergence",
        "Poisson",
        "LogCosh",
        "CategoricalHinge",
    ]:
        assert losses.get(name).get_config() == keras.losses.get(name).get_config(), name
    assert losses.Huber().name == keras.losses.Huber().name


def test_get_resolves_keras_identifiers():
    assert losses.get("mse") is losses.mean_squared_error
    assert losses.get("bce") is losses.binary_crossentropy
    assert isinstance(
        losses.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}}),
        losses.CategoricalCrossentropy,
    )
    assert losses.get(None) is None
    with pytest.raises(ValueError, match="Unknown loss 'msee': expected one of .*mse"):
        losses.get("msee")
    assert losses.serialize(losses.mean_squared_error)["config"] == "mean_squared_error"
