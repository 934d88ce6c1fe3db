"""Linear and logistic regression as one neuron: least squares, scikit-learn's logistic
regression, the autodiff engine's gradients, batch modes and errors."""

import numpy as np
import pytest

import neurona as nr
from neurona import functional as F
from neurona.classic import LinearNeuron, LogisticNeuron


@pytest.fixture
def regression(rng):
    X = rng.normal(size=(40, 3))
    y = X @ np.array([1.5, -2.0, 0.5]) + 0.7 + 0.1 * rng.normal(size=40)
    return X, y


@pytest.fixture
def classification(rng):
    X = rng.normal(size=(200, 3))
    z = X @ np.array([1.5, -2.0, 0.5]) + 0.3
    y = (rng.random(200) < 1 / (1 + np.exp(-z))).astype(int)  # overlapping: the MLE is finite
    return X, y


def least_squares(X, y):
    return np.linalg.lstsq(np.c_[X, np.ones(len(X))], y, rcond=None)[0]  # (w₁ … w_d, b)


@pytest.mark.parametrize(
    "optimizer, learning_rate, epochs, atol",
    [
        ("gd", 0.1, 2000, 1e-9),
        ("momentum", 0.05, 500, 1e-9),
        ("nesterov", 0.05, 500, 1e-9),
        ("adagrad", 0.5, 3000, 1e-9),
        ("adam", 0.05, 1000, 1e-9),
        ("rmsprop", 0.01, 2000, 1e-2),  # constant α: RMSProp ends oscillating within ~α/2
    ],
)
def test_linear_neuron_reaches_the_least_squares_solution(
    regression, optimizer, learning_rate, epochs, atol
):
    X, y = regression
    model = LinearNeuron(learning_rate=learning_rate, epochs=epochs, optimizer=optimizer).fit(X, y)
    np.testing.assert_allclose(
        np.append(model.weights_, model.bias_), least_squares(X, y), atol=atol
    )
    assert len(model.loss_history_) == epochs
    assert model.loss_history_[-1] < model.loss_history_[0]
    assert model.score(X, y) > 0.99


@pytest.mark.parametrize("batch_size, learning_rate, epochs", [(1, 0.01, 100), (8, 0.02, 150)])
def test_sgd_and_mini_batches_get_close_to_least_squares(
    regression, batch_size, learning_rate, epochs
):
    X, y = regression
    settings = dict(
        learning_rate=learning_rate, epochs=epochs, batch_size=batch_size, random_state=0
    )
    model = LinearNeuron(**settings).fit(X, y)
    np.testing.assert_allclose(
        np.append(model.weights_, model.bias_), least_squares(X, y), atol=5e-3
    )
    again = LinearNeuron(**settings).fit(X, y)
    assert again.loss_history_ == model.loss_history_  # seeded shuffling


def test_one_batch_gd_epoch_is_one_hand_computed_step():
    # x = (1, 2), y = (1, 3), w = b = 0: ŷ = 0, ŷ − y = (−1, −3)
    # ∂J/∂w = (1/2)(1·−1 + 2·−3) = −3.5;  ∂J/∂b = (1/2)(−1 − 3) = −2
    # w ← 0 − 0.1·(−3.5) = 0.35;  b ← 0 − 0.1·(−2) = 0.2
    model = LinearNeuron(learning_rate=0.1, epochs=1).fit([[1.0], [2.0]], [1.0, 3.0])
    assert model.weights_.tolist() == pytest.approx([0.35])
    assert model.bias_ == pytest.approx(0.2)
    # J after the step: ŷ = (0.55, 0.9), J = ½·mean(0.45², 2.1²) = 1.153125
    assert model.loss_history_ == pytest.approx([1.153125])


def test_logistic_neuron_matches_scikit_learn(classification, sklearn):
    from sklearn.linear_model import LogisticRegression

    X, y = classification
    ours = LogisticNeuron(learning_rate=0.5, epochs=1000, optimizer="nesterov").fit(X, y)
    # a huge C switches scikit-learn's L2 penalty off (portable across its versions)
    theirs = LogisticRegression(C=1e12, tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(ours.weights_, theirs.coef_[0], atol=1e-6)
    np.testing.assert_allclose(ours.bias_, theirs.intercept_[0], atol=1e-6)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-6)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    assert ours.score(X, y) == pytest.approx(theirs.score(X, y))


def test_linear_gradient_equals_autodiff(regression):
    X, y = regression
    model = LinearNeuron(learning_rate=0.05, epochs=3).fit(X, y)  # somewhere off the optimum
    grad_w, grad_b = model.gradient(X, y)
    w = nr.tensor(model.weights_, requires_grad=True, dtype="float64")
    b = nr.tensor(model.bias_, requires_grad=True, dtype="float64")
    y_hat = nr.tensor(X, dtype="float64") @ w + b
    J = (0.5 * (y_hat - nr.tensor(y, dtype="float64")) ** 2).mean()  # J = (1/m) Σ ½(ŷ − y)²
    J.backward()
    np.testing.assert_allclose(grad_w, w.grad, rtol=1e-10)
    np.testing.assert_allclose(grad_b, b.grad, rtol=1e-10)
    assert model.loss(X, y) == pytest.approx(J.item(), rel=1e-12)


def test_logistic_gradient_equals_autodiff(classification):
    X, y = classification
    model = LogisticNeuron(learning_rate=0.1, epochs=3).fit(X, y)
    grad_w, grad_b = model.gradient(X, y)
    w = nr.tensor(model.weights_, requires_grad=True, dtype="float64")
    b = nr.tensor(model.bias_, requires_grad=True, dtype="float64")
    y_hat = F.sigmoid(nr.tensor(X, dtype="float64") @ w + b)
    t = nr.tensor(y.astype(np.float64))
    J = -(t * F.log(y_hat) + (1 - t) * F.log(1 - y_hat)).mean()  # binary cross-entropy
    J.backward()
    np.testing.assert_allclose(grad_w, w.grad, rtol=1e-10)
    np.testing.assert_allclose(grad_b, b.grad, rtol=1e-10)
    assert model.loss(X, y) == pytest.approx(J.item(), rel=1e-10)


def test_logistic_loss_stays_finite_when_saturated():
    X, y = np.array([[-50.0], [50.0]]), np.array([0, 1])
    model = LogisticNeuron(learning_rate=1.0, epochs=50).fit(X, y)
    assert np.isfinite(model.loss_history_).all()
    assert model.predict_proba(X).sum(axis=1) == pytest.approx([1.0, 1.0])


def test_clear_errors(regression):
    X, y = regression
    with pytest.raises(ValueError, match="expected one of"):
        LinearNeuron(optimizer="lbfgs")
    with pytest.raises(ValueError, match="batch_size"):
        LinearNeuron(batch_size=0)
    with pytest.raises(ValueError, match="one target per row"):
        LinearNeuron().fit(X, y[:-1])
    with pytest.raises(ValueError, match="0/1 targets"):
        LogisticNeuron().fit(X, y)
    with pytest.raises(RuntimeError, match="Call fit"):
        LinearNeuron().predict(X)
    model = LinearNeuron(epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="expected 3 features"):
        model.predict(X[:, :2])


def test_too_large_learning_rate_stops_with_a_warning(regression):
    from neurona.classic import ConvergenceWarning

    X, y = regression
    with pytest.warns(ConvergenceWarning, match="too large"):
        model = LinearNeuron(learning_rate=100.0, epochs=500).fit(X, y)
    assert model.diverged_ and not np.isfinite(model.loss_history_[-1])
    assert len(model.loss_history_) < 500
