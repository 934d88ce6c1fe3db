"""F.conv2d_transpose: a hand computation, float64 gradient checks (reverse and forward mode)
over strides, padding, output_padding and dilation, the adjoint of conv2d, PyTorch and Keras
oracles (forward and backward), the output-size formula and the errors."""

import numpy as np
import pytest

import neurona as nr
from neurona import functional as F
from neurona.functional.conv_transpose import conv2d_transpose, transpose_plan


def test_hand_computed_example_overlaps_add_up():
    # x = [1, 2] (one row), W = [1, 1, 1], stride 2: 1 stamps [1, 1, 1] at 0..2, 2 stamps
    # [2, 2, 2] at 2..4; column 2 gets 1 + 2 = 3. valid: out = (2 − 1)·2 + 3 = 5 columns
    x = np.array([1.0, 2.0]).reshape(1, 1, 2, 1)
    z = conv2d_transpose(x, np.ones((1, 3, 1, 1)), np.array([0.5]), strides=(1, 2))
    assert z.numpy()[0, :, :, 0].tolist() == [[1.5, 1.5, 3.5, 2.5, 2.5]]


CASES = [  # strides, padding, output_padding, dilation_rate, activation
    (1, "valid", None, 1, None),
    (1, "same", None, 1, "tanh"),
    (2, "valid", None, 1, None),
    (2, "same", None, 1, "sigmoid"),
    (2, "valid", 1, 1, None),
    (2, "same", (1, 0), 1, None),
    ((3, 2), "same", (2, 1), 1, None),
    (1, "same", None, 2, None),
]


@pytest.mark.parametrize("strides, padding, output_padding, dilation, activation", CASES)
def test_gradients_match_central_differences(
    strides, padding, output_padding, dilation, activation, rng
):
    def f(x, W, b):
        return conv2d_transpose(x, W, b, strides, padding, output_padding, dilation, activation)

    report = nr.gradcheck(
        f, [rng.normal(size=(2, 3, 4, 2)), rng.normal(size=(3, 2, 3, 2)), rng.normal(size=3)]
    )
    assert report.ok, report


@pytest.mark.parametrize("strides, dilation", [((2, 1), (1, 1)), ((1, 1), (2, 1)), (3, 1)])
def test_is_the_adjoint_of_conv2d(strides, dilation, rng):
    # <conv2d(u, W), v> = <u, convT(v, W)>: the full transposed convolution (valid padding,
    # output_padding 0) is conv2d's ∂L/∂x, with W's last two axes read the other way round
    u, W = rng.normal(size=(2, 9, 8, 3)), rng.normal(size=(3, 2, 3, 4))
    conv = F.conv2d(u, W, strides=strides, dilation_rate=dilation).numpy()
    v = rng.normal(size=conv.shape)
    back = conv2d_transpose(v, W, strides=strides, output_padding=0, dilation_rate=dilation).numpy()
    back = back[:, : u.shape[1], : u.shape[2]]  # conv2d may drop the last rows of u
    assert np.sum(conv * v) == pytest.approx(np.sum(u[:, : back.shape[1], : back.shape[2]] * back))


@pytest.mark.parametrize(
    "strides, padding, output_padding",
    [(1, "valid", None), (2, "valid", None), (2, "valid", 1), (3, "valid", 2)],
)
def test_matches_torch_conv_transpose2d_forward_and_backward(
    strides, padding, output_padding, rng, torch, oracle_close
):
    # valid padding is torch's padding=0 (output_padding: torch's own, default max(k, s) − k)
    x, W, b = rng.normal(size=(2, 4, 5, 3)), rng.normal(size=(3, 2, 6, 3)), rng.normal(size=6)
    xt, Wt, bt = (nr.tensor(a, requires_grad=True) for a in (x, W, b))
    out = conv2d_transpose(xt, Wt, bt, strides, padding, output_padding)
    g = rng.normal(size=out.shape)
    out.backward(g)
    s = (strides, strides)
    op = [max(k, strides) - k if output_padding is None else output_padding for k in (3, 2)]
    X = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
    K = torch.tensor(W.transpose(3, 2, 0, 1), requires_grad=True)  # (in, filters, kh, kw)
    B = torch.tensor(b, requires_grad=True)
    theirs = torch.nn.functional.conv_transpose2d(X, K, B, stride=s, output_padding=op)
    theirs = theirs.permute(0, 2, 3, 1)
    theirs.backward(torch.tensor(g))
    oracle_close(out, theirs)
    oracle_close(xt.grad, X.grad.permute(0, 2, 3, 1))
    oracle_close(Wt.grad, K.grad.permute(2, 3, 1, 0))
    oracle_close(bt.grad, B.grad)


def test_matches_keras_ops_conv_transpose_over_paddings(rng, keras, oracle_close):
    x, W = rng.normal(size=(2, 3, 4, 2)), rng.normal(size=(4, 3, 5, 2))
    for strides, padding, output_padding in [
        (2, "same", None),
        (3, "same", 1),
        ((2, 3), "valid", (1, 2)),
        (1, "same", 0),
    ]:
        ours = conv2d_transpose(x, W, None, strides, padding, output_padding)
        theirs = keras.ops.conv_transpose(x, W, strides, padding, output_padding)
        oracle_close(ours, np.asarray(theirs), rtol=1e-6, atol=1e-6)  # JAX computes in float32


@pytest.mark.parametrize(
    "n, k, s, padding, op, expected",
    [
        (4, 3, 2, "same", None, 8),  # in·s
        (4, 3, 2, "valid", None, 9),  # (in − 1)·s + k
        (4, 1, 2, "valid", None, 8),  # (in − 1)·s + max(k, s)
        (4, 3, 2, "valid", 1, 10),  # (in − 1)·s + k + op
        (4, 4, 2, "same", 1, 7),  # (in − 1)·s + k mod 2 + op
    ],
)
def test_output_size_follows_keras_formula(n, k, s, padding, op, expected):
    out, _ = transpose_plan("", (n,), (k,), (s,), (1,), padding, None if op is None else (op,))
    assert out == (expected,)


def test_float32_stays_float32_and_gradients_keep_shapes(rng):
    x = nr.tensor(rng.normal(size=(2, 3, 3, 4)).astype(np.float32), requires_grad=True)
    W = nr.tensor(rng.normal(size=(3, 3, 2, 4)).astype(np.float32), requires_grad=True)
    out = conv2d_transpose(x, W, strides=2, padding="same", activation="relu")
    assert out.dtype == np.float32 and out.shape == (2, 6, 6, 2)
    out.sum().backward()
    assert x.grad.shape == x.shape and W.grad.shape == W.shape and W.grad.dtype == np.float32


def test_errors_say_what_was_expected():
    x, W = np.ones((1, 3, 3, 2)), np.ones((3, 3, 4, 2))
    with pytest.raises(ValueError, match=r"expected x of shape \(batch, height, width"):
        conv2d_transpose(np.ones((3, 3, 2)), W)
    with pytest.raises(ValueError, match=r"kernel of shape \(kh, kw, filters, in_channels\)"):
        conv2d_transpose(x, np.ones((3, 3, 2)))
    with pytest.raises(ValueError, match="expects 1 input channels"):
        conv2d_transpose(x, np.ones((3, 3, 4, 1)))
    with pytest.raises(ValueError, match=r"bias of shape \(4,\)"):
        conv2d_transpose(x, W, np.ones(2))
    with pytest.raises(ValueError, match="padding to be one of"):
        conv2d_transpose(x, W, padding="causal")
    with pytest.raises(ValueError, match="output_padding .* smaller than strides"):
        conv2d_transpose(x, W, strides=2, output_padding=2)
    with pytest.raises(ValueError, match="non-negative int"):
        conv2d_transpose(x, W, output_padding=-1)
    with pytest.raises(ValueError, match="empty output"):  # (1 − 1)·1 + 2 mod 2 + 0 = 0
        conv2d_transpose(
            np.ones((1, 1, 1, 2)), np.ones((2, 2, 4, 2)), padding="same", output_padding=0
        )
