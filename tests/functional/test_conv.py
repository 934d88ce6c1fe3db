"""F.conv2d / F.conv1d: a hand computation, float64 gradient checks (reverse and forward mode)
over strides, Keras 'same' padding, dilation, bias and fused activations, PyTorch oracles with
the kernel copied across layouts (forward and backward), shape properties and the errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neurona as nr
from neurona import functional as F
from neurona.functional._windows import plan


def test_hand_computed_example():
    # x = [[1, 2, 3], [4, 5, 6], [7, 8, 9]], W = [[1, 0], [0, −1]] (one channel, one filter)
    # z[p, q] = x[p, q] − x[p+1, q+1] = −4 everywhere; + b = 1 → −3; relu → 0
    x = np.arange(1.0, 10.0).reshape(1, 3, 3, 1)
    W = np.array([[1.0, 0.0], [0.0, -1.0]]).reshape(2, 2, 1, 1)
    z = F.conv2d(x, W, np.array([1.0]))
    assert z.numpy()[0, :, :, 0].tolist() == [[-3.0, -3.0], [-3.0, -3.0]]
    assert F.conv2d(x, W, np.array([1.0]), activation="relu").numpy().sum() == 0.0


CASES_2D = [  # strides, padding, dilation_rate, activation
    (1, "valid", 1, None),
    (2, "same", 1, "tanh"),
    ((2, 1), "same", 1, "sigmoid"),
    (1, "same", 2, None),
    (1, "valid", (2, 1), "softplus"),
    (3, "valid", 1, "softmax"),  # over the filters, per pixel (Keras: the last axis)
]


@pytest.mark.parametrize("strides, padding, dilation, activation", CASES_2D)
def test_conv2d_gradients_match_central_differences(strides, padding, dilation, activation, rng):
    def f(x, W, b):
        return F.conv2d(x, W, b, strides, padding, dilation, activation=activation)

    report = nr.gradcheck(
        f, [rng.normal(size=(2, 6, 5, 2)), rng.normal(size=(3, 2, 2, 3)), rng.normal(size=3)]
    )
    assert report.ok, report


@pytest.mark.parametrize(
    "strides, padding, dilation",
    [(1, "valid", 1), (2, "same", 1), (1, "causal", 2), (2, "causal", 1)],
)
def test_conv1d_gradients_match_central_differences(strides, padding, dilation, rng):
    report = nr.gradcheck(
        lambda x, W, b: F.conv1d(x, W, b, strides, padding, dilation),
        [rng.normal(size=(2, 9, 2)), rng.normal(size=(3, 2, 3)), rng.normal(size=3)],
    )
    assert report.ok, report


def test_relu_conv_gradient_away_from_the_kink(rng):
    x, W = rng.normal(size=(2, 5, 5, 2)), rng.normal(size=(3, 3, 2, 2))
    z = F.conv2d(x, W).numpy()
    keep = np.abs(z) > 1e-2  # compare only where relu is differentiable
    xt, Wt = nr.tensor(x, requires_grad=True), nr.tensor(W, requires_grad=True)
    F.conv2d(xt, Wt, activation="relu").backward(keep.astype(float))
    xl, Wl = nr.tensor(x, requires_grad=True), nr.tensor(W, requires_grad=True)
    F.conv2d(xl, Wl).backward((keep & (z > 0)).astype(float))
    np.testing.assert_allclose(xt.grad, xl.grad, rtol=1e-12)
    np.testing.assert_allclose(Wt.grad, Wl.grad, rtol=1e-12)


def torch_same_pad(torch, X, in_size, kernel, strides, dilation, padding):
    """Keras's asymmetric 'same' padding for an NCHW torch tensor (odd pixel bottom/right)."""
    if padding != "same":
        return X
    _, ((top, bottom), (left, right)) = plan("", in_size, kernel, strides, dilation, "same")
    return torch.nn.functional.pad(X, (left, right, top, bottom))


@pytest.mark.parametrize("strides, padding, dilation, activation", CASES_2D[:4])
def test_conv2d_matches_torch_forward_and_backward(
    strides, padding, dilation, activation, rng, torch, oracle_close
):
    x, W, b = rng.normal(size=(3, 7, 8, 4)), rng.normal(size=(3, 2, 4, 5)), rng.normal(size=5)
    xt, Wt, bt = (nr.tensor(a, requires_grad=True) for a in (x, W, b))
    out = F.conv2d(xt, Wt, bt, strides, padding, dilation, activation=activation)
    g = rng.normal(size=out.shape)
    out.backward(g)

    s = (strides, strides) if isinstance(strides, int) else strides
    d = (dilation, dilation) if isinstance(dilation, int) else dilation
    X = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)  # NHWC → NCHW
    K = torch.tensor(W.transpose(3, 2, 0, 1), requires_grad=True)  # (kh, kw, c, f) → (f, c, kh, kw)
    B = torch.tensor(b, requires_grad=True)
    Z = torch.nn.functional.conv2d(
        torch_same_pad(torch, X, (7, 8), (3, 2), s, d, padding), K, B, stride=s, dilation=d
    )
    f = {None: lambda z: z, "tanh": torch.tanh, "sigmoid": torch.sigmoid}[activation]
    theirs = f(Z).permute(0, 2, 3, 1)
    theirs.backward(torch.tensor(g))
    oracle_close(out, theirs)
    oracle_close(xt.grad, X.grad.permute(0, 2, 3, 1))
    oracle_close(Wt.grad, K.grad.permute(2, 3, 1, 0))
    oracle_close(bt.grad, B.grad)


def test_conv1d_matches_torch_with_causal_padding(rng, torch, oracle_close):
    x, W, b = rng.normal(size=(2, 10, 3)), rng.normal(size=(3, 3, 4)), rng.normal(size=4)
    xt, Wt = nr.tensor(x, requires_grad=True), nr.tensor(W, requires_grad=True)
    out = F.conv1d(xt, Wt, b, padding="causal", dilation_rate=2)
    g = rng.normal(size=out.shape)
    out.backward(g)
    X = torch.tensor(x.transpose(0, 2, 1), requires_grad=True)
    K = torch.tensor(W.transpose(2, 1, 0), requires_grad=True)  # (k, c, f) → (f, c, k)
    Z = torch.nn.functional.conv1d(
        torch.nn.functional.pad(X, (4, 0)), K, torch.tensor(b), dilation=2
    ).permute(0, 2, 1)
    Z.backward(torch.tensor(g))
    oracle_close(out, Z)
    oracle_close(xt.grad, X.grad.permute(0, 2, 1))
    oracle_close(Wt.grad, K.grad.permute(2, 1, 0))


@pytest.mark.parametrize("chunk_bytes", [1, 20_000])  # 1 or 2 images a chunk (of 5)
def test_input_gradient_in_chunks_of_images_matches_torch(chunk_bytes, rng, torch, monkeypatch):
    from neurona.functional import conv

    monkeypatch.setattr(conv, "CHUNK_BYTES", chunk_bytes)  # 3·3·(5·6 rows)·4 ch·8 B = 8640 B/image
    x, W, b = rng.normal(size=(5, 7, 8, 4)), rng.normal(size=(3, 3, 4, 6)), rng.normal(size=6)
    xt, Wt = nr.tensor(x, requires_grad=True), nr.tensor(W, requires_grad=True)
    out = F.conv2d(xt, Wt, b, activation="tanh")
    g = rng.normal(size=out.shape)
    out.backward(g)
    X = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
    K = torch.tensor(W.transpose(3, 2, 0, 1), requires_grad=True)
    Z = torch.tanh(torch.nn.functional.conv2d(X, K, torch.tensor(b)))
    Z.permute(0, 2, 3, 1).backward(torch.tensor(g))
    np.testing.assert_allclose(xt.grad, X.grad.permute(0, 2, 3, 1).numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(Wt.grad, K.grad.permute(2, 3, 1, 0).numpy(), rtol=1e-10)
    report = nr.gradcheck(lambda x: F.conv2d(x, W[:, :, :, :2], strides=2), [x[:3, :5, :6]])
    assert report.ok, report


def test_float32_stays_float32_and_first_layer_skips_the_input_gradient(rng):
    x = rng.normal(size=(2, 6, 6, 1)).astype(np.float32)
    W = nr.tensor(rng.normal(size=(3, 3, 1, 4)).astype(np.float32), requires_grad=True)
    out = F.conv2d(x, W, activation="relu")
    assert out.dtype == np.float32
    out.sum().backward()
    assert W.grad.dtype == np.float32 and W.grad.shape == (3, 3, 1, 4)


@settings(max_examples=25, deadline=None)
@given(
    h=st.integers(3, 9),
    w=st.integers(3, 9),
    k=st.integers(1, 3),
    s=st.integers(1, 3),
    d=st.integers(1, 2),
    same=st.booleans(),
)
def test_output_shape_follows_keras_formula_and_gradients_keep_shapes(h, w, k, s, d, same):
    padding = "same" if same else "valid"
    if not same and (k - 1) * d + 1 > min(h, w):
        return
    x = nr.tensor(np.ones((2, h, w, 2)), requires_grad=True)
    W = nr.tensor(np.ones((k, k, 2, 3)), requires_grad=True)
    out = F.conv2d(x, W, strides=s, padding=padding, dilation_rate=d)
    expected = [-(-n // s) if same else (n - (k - 1) * d - 1) // s + 1 for n in (h, w)]
    assert out.shape == (2, *expected, 3)
    out.sum().backward()
    assert x.grad.shape == x.shape and W.grad.shape == W.shape
    # every output sums whole windows of ones: Σ grad_x = Σ_outputs (taps inside the image)
    assert x.grad.sum() == pytest.approx(out.numpy().sum())


def test_errors_say_what_was_expected():
    with pytest.raises(ValueError, match=r"expected x of shape \(batch, height, width, chan"):
        F.conv2d(np.ones((28, 28, 1)), np.ones((3, 3, 1, 2)))
    with pytest.raises(ValueError, match="expects 3 input channels"):
        F.conv2d(np.ones((1, 5, 5, 1)), np.ones((3, 3, 3, 2)))
    with pytest.raises(ValueError, match="kernel of shape"):
        F.conv2d(np.ones((1, 5, 5, 1)), np.ones((2, 1, 3, 3)).reshape(2, 1, 9))
    with pytest.raises(ValueError, match="padding to be one of"):
        F.conv2d(np.ones((1, 5, 5, 1)), np.ones((3, 3, 1, 2)), padding="full")
    with pytest.raises(ValueError, match="output would be empty"):
        F.conv2d(np.ones((1, 2, 2, 1)), np.ones((3, 3, 1, 2)))
    with pytest.raises(ValueError, match="bias of shape"):
        F.conv1d(np.ones((1, 5, 1)), np.ones((3, 1, 2)), np.ones(3))
