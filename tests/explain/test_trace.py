"""neurona.explain.trace: the numbers of one training step, layer by layer, against the course's
worked example (docs/course.md G12), against nr.grad and against fit's own step."""

from __future__ import annotations

import json

import numpy as np
import pytest

import neurona as nr
from neurona import explain, layers, models, optimizers
from neurona.models import Model


def _half_squared_error(y_true, y_pred):
    """The course's e = ½(y − f)² (per sample, summed over the outputs)."""
    return 0.5 * ((y_true - y_pred) ** 2).sum(axis=-1)


# the course's worked example: f = S(w₂,₀ + w₂,₁ tanh(w₁,₀ + w₁,₁ x₁ + w₁,₂ x₂)), e = ½(y − f)²
X1, X2, Y = 0.7, -1.3, 1.0
W10, W11, W12, W20, W21 = 0.1, 0.4, -0.6, -0.2, 0.9
ETA = 0.5


def _course_model():
    model = models.Sequential(
        [
            layers.Input((2,), dtype="float64"),
            layers.Dense(1, activation="tanh", dtype="float64"),
            layers.Dense(1, activation="sigmoid", dtype="float64"),
        ]
    )
    model.layers[0].set_weights([np.array([[W11], [W12]]), np.array([W10])])
    model.layers[1].set_weights([np.array([[W21]]), np.array([W20])])
    model.compile(optimizer=optimizers.SGD(learning_rate=ETA), loss=_half_squared_error)
    return model


def test_the_course_worked_example_to_1e12():
    model = _course_model()
    t = explain.trace(model, np.array([[X1, X2]]), np.array([[Y]]))
    # the course's own formulas, written out
    z_g = W10 + W11 * X1 + W12 * X2
    g = np.tanh(z_g)
    z_f = W20 + W21 * g
    f = 1 / (1 + np.exp(-z_f))
    s_prime = f * (1 - f)
    common = -(Y - f) * s_prime
    partials = {
        "w20": common,
        "w21": common * g,
        "w10": common * W21 * (1 - g**2),
        "w11": common * W21 * (1 - g**2) * X1,
        "w12": common * W21 * (1 - g**2) * X2,
    }
    hidden, output = t[1], t[2]
    close = dict(rtol=0, atol=1e-12)
    np.testing.assert_allclose(t.loss, 0.5 * (Y - f) ** 2, **close)
    np.testing.assert_allclose(hidden.z, [[z_g]], **close)
    np.testing.assert_allclose(hidden.a, [[g]], **close)
    np.testing.assert_allclose(hidden.fprime, [[1 - g**2]], **close)
    np.testing.assert_allclose(output.z, [[z_f]], **close)
    np.testing.assert_allclose(output.a, [[f]], **close)
    np.testing.assert_allclose(output.fprime, [[s_prime]], **close)
    np.testing.assert_allclose(output.delta, [[common]], **close)
    np.testing.assert_allclose(hidden.delta, [[common * W21 * (1 - g**2)]], **close)
    np.testing.assert_allclose(output.weight("b").grad, [partials["w20"]], **close)
    np.testing.assert_allclose(output.weight("W").grad, [[partials["w21"]]], **close)
    np.testing.assert_allclose(hidden.weight("b").grad, [partials["w10"]], **close)
    np.testing.assert_allclose(
        hidden.weight("W").grad, [[partials["w11"]], [partials["w12"]]], **close
    )
    # the update w ← w − η ∂e/∂w
    np.testing.assert_allclose(output.weight("W").update, [[-ETA * partials["w21"]]], **close)
    np.testing.assert_allclose(hidden.weight("b").update, [-ETA * partials["w10"]], **close)
    assert t.applied is False
    assert model.layers[0].get_weights()[1][0] == W10  # restored


def _mlp(activation, dtype="float64", seed=0):
    nr.utils.set_random_seed(seed)
    model = models.Sequential(
        [
            layers.Input((3,), dtype=dtype),
            layers.Dense(4, activation=activation, dtype=dtype),
            layers.Dense(3, activation="relu", dtype=dtype),
            layers.Dense(2, dtype=dtype),
        ]
    )
    return model


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rmsprop"])
def test_the_trace_takes_fit_s_step(optimizer, rng):
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    model, twin = _mlp("sigmoid"), _mlp("sigmoid")
    for m in (model, twin):
        m.compile(optimizer=optimizer, loss="mse")
        m.train_on_batch(x, y)  # optimiser state that apply=False must restore
    before = model.get_weights()
    t = explain.trace(model, x, y)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    loss = twin.train_on_batch(x, y)
    np.testing.assert_allclose(t.loss, loss, rtol=1e-12)
    for layer, twin_layer in zip(t.layers, twin.layers):
        for w, new in zip(layer.weights, twin_layer.get_weights()):
            np.testing.assert_allclose(w.update, new - w.value, rtol=0, atol=1e-12)
    # restored optimiser state: the next real step is the twin's
    model.train_on_batch(x, y)
    twin_before = twin.get_weights()
    assert all(np.allclose(a, b, atol=1e-12) for a, b in zip(model.get_weights(), twin_before))
    # apply=True keeps the update
    t2 = explain.trace(model, x, y, apply=True)
    assert t2.applied and not np.array_equal(model.get_weights()[0], twin_before[0])


def test_values_against_nr_grad(rng):
    x, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    model = _mlp("tanh")
    model.compile(optimizer="sgd", loss="mse")
    t = explain.trace(model, x, y)
    dense = model.layers
    W = [layer.kernel.numpy().copy() for layer in dense]
    b = [layer.bias.numpy().copy() for layer in dense]
    acts = [nr.functional.tanh, nr.functional.relu, lambda v: v]

    def loss_of(z1):  # L as a function of z⁽¹⁾: its gradient is δ⁽¹⁾
        a = z1
        for i in range(3):
            if i:
                a = a @ W[i] + b[i]
            a = acts[i](a)
        return ((a - y) ** 2).mean()

    z1 = x @ W[0] + b[0]
    np.testing.assert_allclose(t[1].delta, nr.grad(loss_of)(z1), rtol=1e-10, atol=1e-14)

    def loss_of_weights(*params):
        a = x
        for i in range(3):
            a = acts[i](a @ params[2 * i] + params[2 * i + 1])
        return ((a - y) ** 2).mean()

    grads = nr.grad(loss_of_weights, argnums=tuple(range(6)))(*[p for wb in zip(W, b) for p in wb])
    for i in range(3):
        np.testing.assert_allclose(t[i + 1].weight("W").grad, grads[2 * i], rtol=1e-10)
        np.testing.assert_allclose(t[i + 1].weight("b").grad, grads[2 * i + 1], rtol=1e-10)
    # the course's δ equation holds between the recorded layers: δ⁽¹⁾ = (δ⁽²⁾ W⁽²⁾ᵀ) ⊙ f'(z⁽¹⁾)
    np.testing.assert_allclose(t[1].delta, (t[2].delta @ W[1].T) * t[1].fprime, rtol=1e-10)
    np.testing.assert_allclose(t[2].weight("W").grad, t[1].a.T @ t[2].delta, rtol=1e-10)


ACTIVATIONS = sorted(set(nr.activations.ALL_OBJECTS_DICT) - {"step", "sign"})


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_dense_with_every_activation(activation, rng):
    x, y = rng.normal(size=(3, 3)), rng.normal(size=(3, 2))
    model = _mlp(activation)
    model.compile(optimizer="sgd", loss="mse")
    t = explain.trace(model, x, y)
    first = t[1]
    assert first.activation == nr.activations.serialize(nr.activations.get(activation))
    np.testing.assert_allclose(
        first.a, np.asarray(nr.activations.get(activation)(nr.tensor(first.z)))
    )
    if activation in ("softmax", "log_softmax"):
        assert first.fprime is None
    else:  # δ = ∂L/∂a ⊙ f'(z), each from the engine
        np.testing.assert_allclose(first.delta, first.grad_a * first.fprime, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(first.weight("W").grad, x.T @ first.delta, rtol=1e-9, atol=1e-15)


def test_functional_and_subclassed_models(rng):
    x, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 1))
    inputs = layers.Input((3,), dtype="float64")
    hidden = layers.Dense(4, activation="relu", dtype="float64", name="hidden")(inputs)
    outputs = layers.Dense(1, dtype="float64", name="out")(hidden)
    functional = models.Model(inputs, outputs)

    class Net(Model):
        def __init__(self):
            super().__init__(dtype="float64")
            self.hidden = layers.Dense(4, activation="relu", dtype="float64", name="hidden")
            self.out = layers.Dense(1, dtype="float64", name="out")

        def call(self, x):
            return self.out(self.hidden(x))

    subclassed = Net()
    subclassed(x[:1])
    subclassed.set_weights(functional.get_weights())
    traces = []
    for model in (functional, subclassed):
        model.compile(optimizer="sgd", loss="mse")
        traces.append(explain.trace(model, x, y))
    assert [layer.name for layer in traces[0].layers] == ["hidden", "out"]
    for a, b in zip(traces[0].layers, traces[1].layers):
        np.testing.assert_allclose(a.delta, b.delta, rtol=1e-12)
        np.testing.assert_allclose(a.weight("W").grad, b.weight("W").grad, rtol=1e-12)


def test_renders_as_text_html_and_json(rng):
    model = _mlp("sigmoid", dtype="float32")
    model.compile(optimizer="adam", loss="mse")
    t = explain.trace(model, rng.normal(size=(2, 3)), rng.normal(size=(2, 2)))
    text = str(t)
    for symbol in ("z⁽¹⁾", "a⁽²⁾", "f'(z⁽¹⁾)", "δ⁽³⁾ = ∂L/∂z⁽³⁾", "∂L/∂W⁽²⁾", "∂L/∂b⁽¹⁾", "ΔW⁽³⁾"):
        assert symbol in text
    assert "<table>" in t._repr_html_() and "δ⁽²⁾" in t.to_markdown()
    pytest.importorskip("matplotlib")
    for kind in ("network", "layers", "heatmaps"):
        assert t.plot(kind=kind).axes
    with pytest.raises(ValueError, match="kind"):
        t.plot(kind="pie")
    data = json.loads(json.dumps(t.to_dict()))
    assert data["layers"][0]["delta"]["shape"] == [2, 4]
    assert data["optimizer"] == "Adam" and data["applied"] is False


def test_an_uncompiled_model_is_refused():
    model = _mlp("relu")
    with pytest.raises(RuntimeError, match="compile"):
        explain.trace(model, np.ones((1, 3)), np.ones((1, 2)))


def test_the_trace_speaks_spanish_with_neurona_lang_es(monkeypatch, rng):
    model = _mlp("tanh")
    model.compile(optimizer="sgd", loss="mse")
    t = explain.trace(model, rng.normal(size=(2, 3)), rng.normal(size=(2, 2)))
    assert str(t).startswith("Backpropagation trace: loss L")
    monkeypatch.setenv("NEURONA_LANG", "es")
    text = str(t)
    assert text.startswith("Traza de retropropagación: pérdida L") and "capa 2 · " in text
    assert "a⁽⁰⁾ (entrada)" in text and "δ⁽¹⁾ = ∂L/∂z⁽¹⁾" in text  # the course's symbols stay
    assert "<th>magnitud</th>" in t._repr_html_() and "| magnitud |" in t.to_markdown()
