"""Tests of the sequence kernels F.simple_rnn, F.lstm, F.gru: hand computations, float64 gradient
checks of the hand-written BPTT (≥ 20 steps, go_backwards, dropout masks, other activations),
PyTorch oracles with weights copied across layouts, and the shape errors."""

from __future__ import annotations

import numpy as np
import pytest

import neurona as nr
from neurona import functional as F

B, T, D, U = 2, 21, 2, 3  # BPTT over 21 steps


def _weights(rng, gates: int, bias_shape=None):
    W = rng.normal(size=(D, gates * U)) * 0.6
    Uk = rng.normal(size=(U, gates * U)) * 0.6
    b = rng.normal(size=bias_shape or (gates * U,)) * 0.3
    return W, Uk, b


def _masks(rng, rate=0.4):
    x_mask = (rng.random((B, D)) >= rate) / (1 - rate)
    h_mask = (rng.random((B, U)) >= rate) / (1 - rate)
    return x_mask, h_mask


def _scalarise(outputs):
    """One tensor that depends on every output: the sequence (weighted by step) and the final
    states, so that gradcheck's random cotangent reaches all of them."""
    hs, *finals = outputs
    total = (hs * nr.tensor(np.linspace(0.5, 1.5, hs.shape[1])[None, :, None])).sum(axis=1)
    for state in finals:
        total = total + state * 0.7
    return total


# ----- hand computations -----------------------------------------------------------------------
def test_simple_rnn_matches_the_recurrence_written_out():
    # h_1 = tanh(1·0.5 + 0·2) = tanh(0.5);  h_2 = tanh(2·0.5 + h_1·2)
    x = np.array([[[1.0], [2.0]]])
    h, h_T = F.simple_rnn(x, np.array([[0.5]]), np.array([[2.0]]), np.array([0.0]))
    h1 = np.tanh(0.5)
    np.testing.assert_allclose(h.numpy().ravel(), [h1, np.tanh(1.0 + 2.0 * h1)], rtol=1e-12)
    np.testing.assert_allclose(h_T.numpy().ravel(), [np.tanh(1.0 + 2.0 * h1)], rtol=1e-12)


def test_lstm_one_step_matches_the_gate_formulas(rng):
    x, (W, Uk, b) = rng.normal(size=(1, 1, 2)), _weights(rng, 4)
    W = W[:2]
    h0, c0 = rng.normal(size=(1, U)), rng.normal(size=(1, U))
    z = x[0] @ W + h0 @ Uk + b
    i, f, c_hat, o = (z[:, k * U : (k + 1) * U] for k in range(4))  # Keras order i, f, c, o
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    c = sig(f) * c0 + sig(i) * np.tanh(c_hat)
    h, h_T, c_T = F.lstm(x, W, Uk, b, h0, c0)
    np.testing.assert_allclose(c_T.numpy(), c, rtol=1e-12)
    np.testing.assert_allclose(h_T.numpy(), sig(o) * np.tanh(c), rtol=1e-12)


def test_gru_reset_before_is_the_course_formula_with_z_flipped(rng):
    # the course: h = (1 − z') h_prev + z' h̃ with z' = σ(a); Keras: h = z h_prev + (1 − z) h̃.
    # Negating the update gate's weights and bias (z = σ(−a) = 1 − z') gives the same h.
    x, (W, Uk, b) = rng.normal(size=(1, 1, D)), _weights(rng, 3)
    h0 = rng.normal(size=(1, U))
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    z_course = sig(x[0] @ W[:, :U] + h0 @ Uk[:, :U] + b[:U])
    r = sig(x[0] @ W[:, U : 2 * U] + h0 @ Uk[:, U : 2 * U] + b[U : 2 * U])
    h_tilde = np.tanh(x[0] @ W[:, 2 * U :] + (r * h0) @ Uk[:, 2 * U :] + b[2 * U :])
    course = (1 - z_course) * h0 + z_course * h_tilde
    flip = np.concatenate([-np.ones(U), np.ones(2 * U)])
    _, h_T = F.gru(x, W * flip, Uk * flip, b * flip, h0, reset_after=False)
    np.testing.assert_allclose(h_T.numpy(), course, rtol=1e-12)


@pytest.mark.parametrize("reset_after", [False, True])
def test_gru_course_convention_is_the_course_formula_written_out(reset_after, rng):
    # the course (Y7): h_t = z ⊙ h̃ + (1 − z) ⊙ h_{t−1}, over 4 steps from h_0 = 0 and from h0
    x = rng.normal(size=(2, 4, D))
    W, Uk, b = _weights(rng, 3, (2, 3 * U) if reset_after else None)
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    b_in, b_rec = (b[0], b[1]) if reset_after else (b, np.zeros(3 * U))
    for h0 in (None, rng.normal(size=(2, U))):
        h = np.zeros((2, U)) if h0 is None else h0
        expected = []
        for t in range(4):
            a_x, a_h = x[:, t] @ W + b_in, h @ Uk + b_rec
            z = sig(a_x[:, :U] + a_h[:, :U])
            r = sig(a_x[:, U : 2 * U] + a_h[:, U : 2 * U])
            if reset_after:
                h_tilde = np.tanh(a_x[:, 2 * U :] + r * a_h[:, 2 * U :])
            else:
                h_tilde = np.tanh(a_x[:, 2 * U :] + (r * h) @ Uk[:, 2 * U :])
            h = z * h_tilde + (1 - z) * h
            expected.append(h)
        hs, h_T = F.gru(x, W, Uk, b, h0, reset_after=reset_after, convention="course")
        np.testing.assert_allclose(hs.numpy(), np.stack(expected, axis=1), rtol=1e-12)
        np.testing.assert_allclose(h_T.numpy(), h, rtol=1e-12)


def test_gru_course_convention_is_keras_with_the_update_gate_negated(rng):
    x, (W, Uk, b) = rng.normal(size=(2, 9, D)), _weights(rng, 3, (2, 3 * U))
    flip = np.concatenate([-np.ones(U), np.ones(2 * U)])
    course = F.gru(x, W, Uk, b, convention="course")[0].numpy()
    keras = F.gru(x, W * flip, Uk * flip, b * flip)[0].numpy()
    np.testing.assert_allclose(course, keras, rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError, match="expected convention 'keras'"):
        F.gru(x, W, Uk, b, convention="Course")


# ----- gradient checks (float64, central differences) ----------------------------------------
KERNELS = {
    "simple_rnn": (1, None, lambda x, W, Uk, b, h0, c0, **kw: F.simple_rnn(x, W, Uk, b, h0, **kw)),
    "lstm": (4, None, lambda x, W, Uk, b, h0, c0, **kw: F.lstm(x, W, Uk, b, h0, c0, **kw)),
    "gru_after": (3, (2, 3 * U), lambda x, W, Uk, b, h0, c0, **kw: F.gru(x, W, Uk, b, h0, **kw)),
    "gru_before": (
        3,
        None,
        lambda x, W, Uk, b, h0, c0, **kw: F.gru(x, W, Uk, b, h0, reset_after=False, **kw),
    ),
    "gru_course_before": (
        3,
        None,
        lambda x, W, Uk, b, h0, c0, **kw: F.gru(
            x, W, Uk, b, h0, reset_after=False, convention="course", **kw
        ),
    ),
    "gru_course_after": (
        3,
        (2, 3 * U),
        lambda x, W, Uk, b, h0, c0, **kw: F.gru(x, W, Uk, b, h0, convention="course", **kw),
    ),
}


@pytest.mark.parametrize("kernel", list(KERNELS))
@pytest.mark.parametrize("go_backwards, masked", [(False, False), (True, True)])
def test_bptt_matches_central_differences(kernel, go_backwards, masked, rng):
    gates, bias_shape, run = KERNELS[kernel]
    x = rng.normal(size=(B, T, D))
    W, Uk, b = _weights(rng, gates, bias_shape)
    h0, c0 = rng.normal(size=(B, U)) * 0.5, rng.normal(size=(B, U)) * 0.5
    x_mask, h_mask = _masks(rng) if masked else (None, None)

    def f(x, W, Uk, b, h0, c0):
        return _scalarise(
            run(x, W, Uk, b, h0, c0, go_backwards=go_backwards, x_mask=x_mask, h_mask=h_mask)
        )

    report = nr.gradcheck(f, [x, W, Uk, b, h0, c0], check_forward=False)
    assert report.ok, report


@pytest.mark.parametrize("kernel", list(KERNELS))
@pytest.mark.parametrize("masked", [False, True])
def test_bptt_from_zero_initial_states_matches_central_differences(kernel, masked, rng):
    # h0 = c0 = None: the kernels skip the products with h_0 = 0 (first step, ∂L/∂h_0, Σ h_0ᵀ δ)
    gates, bias_shape, run = KERNELS[kernel]
    x, (W, Uk, b) = rng.normal(size=(B, 7, D)), _weights(rng, gates, bias_shape)
    x_mask, h_mask = _masks(rng) if masked else (None, None)

    def f(x, W, Uk, b):
        return _scalarise(run(x, W, Uk, b, None, None, x_mask=x_mask, h_mask=h_mask))

    assert (report := nr.gradcheck(f, [x, W, Uk, b], check_forward=False)).ok, report


@pytest.mark.parametrize("kernel", list(KERNELS))
def test_gradient_through_the_last_state_equals_through_the_last_step_of_the_sequence(kernel, rng):
    # h_T alone: the sequence output gets no gradient (backward skips it instead of zeros)
    gates, bias_shape, run = KERNELS[kernel]
    x, (W, Uk, b) = rng.normal(size=(B, 5, D)), _weights(rng, gates, bias_shape)
    grads = []
    for pick in (lambda out: out[1], lambda out: out[0][:, -1]):
        inputs = [nr.tensor(a, requires_grad=True) for a in (x, W, Uk, b)]
        (pick(run(*inputs, None, None)) * 1.5).sum().backward()
        grads.append([a.grad for a in inputs])
    for via_state, via_sequence in zip(*grads):
        np.testing.assert_allclose(via_state, via_sequence, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("kernel", ["lstm", "gru_before"])
def test_bptt_with_other_activations_matches_central_differences(kernel, rng):
    # generic path: any Keras activation, derivative by forward mode
    gates, bias_shape, run = KERNELS[kernel]
    x, (W, Uk, b) = rng.normal(size=(B, 4, D)), _weights(rng, gates, bias_shape)
    h0, c0 = rng.normal(size=(B, U)), rng.normal(size=(B, U))

    def f(x, W, Uk, b, h0, c0):
        return _scalarise(
            run(x, W, Uk, b, h0, c0, activation="softsign", recurrent_activation="softplus")
        )

    assert (report := nr.gradcheck(f, [x, W, Uk, b, h0, c0], check_forward=False)).ok, report


def test_simple_rnn_with_a_callable_activation_matches_central_differences(rng):
    x, (W, Uk, b) = rng.normal(size=(B, 5, D)), _weights(rng, 1)
    report = nr.gradcheck(
        lambda x, W: _scalarise(F.simple_rnn(x, W, Uk, b, activation=F.elu)),
        [x, W],
        check_forward=False,
    )
    assert report.ok, report


# ----- PyTorch oracles (weights copied across layouts) ----------------------------------------
def _torch_run(torch, module, x, states, go_backwards):
    xt = torch.tensor(x[:, ::-1].copy() if go_backwards else x, requires_grad=True)
    states = [torch.tensor(s[None], requires_grad=True) for s in states]
    out, final = module(xt, tuple(states) if len(states) > 1 else states[0])
    final = final if isinstance(final, tuple) else (final,)
    return xt, states, out, [s[0] for s in final]


def _backward_both(torch, ours, theirs, rng):
    """The same random cotangents on the sequence and the final states of both libraries."""
    cots = [rng.normal(size=o.shape) for o in ours]
    sum(((o * nr.tensor(c)).sum() for o, c in zip(ours, cots)), nr.tensor(0.0)).backward()
    sum((t * torch.tensor(c)).sum() for t, c in zip(theirs, cots)).backward()


@pytest.mark.parametrize("go_backwards", [False, True])
def test_lstm_matches_torch_forward_and_backward(torch, oracle_close, rng, go_backwards):
    x, (W, Uk, b) = rng.normal(size=(3, 6, D)), _weights(rng, 4)
    h0, c0 = rng.normal(size=(3, U)), rng.normal(size=(3, U))
    args = [nr.tensor(a, requires_grad=True) for a in (x, W, Uk, b, h0, c0)]
    ours = F.lstm(args[0], args[1], args[2], args[3], args[4], args[5], go_backwards=go_backwards)
    module = torch.nn.LSTM(D, U, batch_first=True).double()
    with torch.no_grad():  # torch stores Wᵀ, Uᵀ (gates i, f, g, o: Keras's order) and two biases
        module.weight_ih_l0.copy_(torch.tensor(W.T))
        module.weight_hh_l0.copy_(torch.tensor(Uk.T))
        module.bias_ih_l0.copy_(torch.tensor(b))
        module.bias_hh_l0.zero_()
    xt, states, out, finals = _torch_run(torch, module, x, [h0, c0], go_backwards)
    for o, t in zip(ours, [out, *finals]):
        oracle_close(o, t)
    _backward_both(torch, ours, [out, *finals], rng)
    oracle_close(args[0].grad, xt.grad.numpy()[:, ::-1] if go_backwards else xt.grad)
    oracle_close(args[1].grad, module.weight_ih_l0.grad.T)
    oracle_close(args[2].grad, module.weight_hh_l0.grad.T)
    oracle_close(args[3].grad, module.bias_ih_l0.grad)
    oracle_close(args[4].grad, states[0].grad[0])
    oracle_close(args[5].grad, states[1].grad[0])


def test_gru_matches_torch_forward_and_backward(torch, oracle_close, rng):
    x, (W, Uk, b) = rng.normal(size=(3, 6, D)), _weights(rng, 3, (2, 3 * U))
    h0 = rng.normal(size=(3, U))
    args = [nr.tensor(a, requires_grad=True) for a in (x, W, Uk, b, h0)]
    ours = F.gru(*args)  # reset_after=True, PyTorch's formula

    def to_torch(m):  # Keras columns z, r, h → torch rows r, z, n
        return np.concatenate([m[..., U : 2 * U], m[..., :U], m[..., 2 * U :]], axis=-1)

    module = torch.nn.GRU(D, U, batch_first=True).double()
    with torch.no_grad():
        module.weight_ih_l0.copy_(torch.tensor(to_torch(W).T))
        module.weight_hh_l0.copy_(torch.tensor(to_torch(Uk).T))
        module.bias_ih_l0.copy_(torch.tensor(to_torch(b[0])))
        module.bias_hh_l0.copy_(torch.tensor(to_torch(b[1])))
    xt, states, out, finals = _torch_run(torch, module, x, [h0], False)
    for o, t in zip(ours, [out, *finals]):
        oracle_close(o, t)
    _backward_both(torch, ours, [out, *finals], rng)
    oracle_close(args[0].grad, xt.grad)
    oracle_close(args[1].grad, to_torch(module.weight_ih_l0.grad.numpy().T))  # r,z,n → z,r,h
    oracle_close(args[2].grad, to_torch(module.weight_hh_l0.grad.numpy().T))
    oracle_close(args[3].grad[0], to_torch(module.bias_ih_l0.grad.numpy()))
    oracle_close(args[3].grad[1], to_torch(module.bias_hh_l0.grad.numpy()))
    oracle_close(args[4].grad, states[0].grad[0])


def test_simple_rnn_matches_torch_forward_and_backward(torch, oracle_close, rng):
    x, (W, Uk, b) = rng.normal(size=(3, 6, D)), _weights(rng, 1)
    h0 = rng.normal(size=(3, U))
    args = [nr.tensor(a, requires_grad=True) for a in (x, W, Uk, b, h0)]
    ours = F.simple_rnn(*args)
    module = torch.nn.RNN(D, U, batch_first=True).double()  # tanh
    with torch.no_grad():
        module.weight_ih_l0.copy_(torch.tensor(W.T))
        module.weight_hh_l0.copy_(torch.tensor(Uk.T))
        module.bias_ih_l0.copy_(torch.tensor(b))
        module.bias_hh_l0.zero_()
    xt, states, out, finals = _torch_run(torch, module, x, [h0], False)
    for o, t in zip(ours, [out, *finals]):
        oracle_close(o, t)
    _backward_both(torch, ours, [out, *finals], rng)
    oracle_close(args[0].grad, xt.grad)
    oracle_close(args[1].grad, module.weight_ih_l0.grad.T)
    oracle_close(args[2].grad, module.weight_hh_l0.grad.T)
    oracle_close(args[3].grad, module.bias_ih_l0.grad)
    oracle_close(args[4].grad, states[0].grad[0])


def test_float32_stays_float32(rng):
    x = rng.normal(size=(2, 4, D)).astype(np.float32)
    W, Uk, b = (a.astype(np.float32) for a in _weights(rng, 4))
    args = [nr.tensor(a, requires_grad=True) for a in (x, W, Uk, b)]
    h, h_T, c_T = F.lstm(*args)
    h.sum().backward()
    assert h.dtype == h_T.dtype == c_T.dtype == np.float32
    assert all(a.grad.dtype == np.float32 for a in args)


@pytest.mark.parametrize("kernel", ["simple_rnn", "lstm", "gru_after", "gru_before"])
@pytest.mark.parametrize("float64", ["x", "U", "b"])
def test_mixed_dtypes_compute_in_the_wider_one(kernel, float64, rng):
    gates, bias_shape, run = KERNELS[kernel]
    arrays = {"x": rng.normal(size=(B, 4, D)), **dict(zip("WUb", _weights(rng, gates, bias_shape)))}
    arrays = {k: a if k == float64 else a.astype(np.float32) for k, a in arrays.items()}
    args = {k: nr.tensor(a, requires_grad=True) for k, a in arrays.items()}
    outputs = run(args["x"], args["W"], args["U"], args["b"], None, None)
    assert outputs[0].dtype == np.float64
    outputs[0].sum().backward()
    wide = run(*(nr.tensor(arrays[k].astype(np.float64)) for k in "xWUb"), None, None)
    np.testing.assert_allclose(outputs[0].data, wide[0].data, rtol=1e-6)
    assert all(t.grad is not None and t.grad.shape == t.shape for t in args.values())


# ----- errors ----------------------------------------------------------------------------------
def test_a_2d_input_says_it_expects_batch_time_features():
    with pytest.raises(ValueError, match=r"expected x of shape \(batch, time, features\)"):
        F.lstm(np.ones((4, 3)), np.ones((3, 8)), np.ones((2, 8)))


def test_wrong_kernel_and_bias_shapes_are_named():
    with pytest.raises(ValueError, match=r"kernel W of shape \(3, 6\)"):
        F.gru(np.ones((1, 2, 3)), np.ones((4, 6)), np.ones((2, 6)))
    with pytest.raises(ValueError, match=r"bias b of shape \(2, 6\)"):
        F.gru(np.ones((1, 2, 3)), np.ones((3, 6)), np.ones((2, 6)), np.ones(6))
    with pytest.raises(ValueError, match=r"initial state h0 of shape \(1, 2\)"):
        F.simple_rnn(np.ones((1, 2, 3)), np.ones((3, 2)), np.ones((2, 2)), h0=np.ones((2, 2)))
    with pytest.raises(ValueError, match="activation name"):
        F.simple_rnn(np.ones((1, 2, 3)), np.ones((3, 2)), np.ones((2, 2)), activation="tanhh")
