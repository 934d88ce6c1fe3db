"""F.max_pool*/avg_pool* and F.upsample2d: hand computations, float64 gradient checks (valid,
same, overlapping strides, 1-D), PyTorch oracles (MaxPool2d, AvgPool2d, Upsample), Keras's
'same' average pooling that does not count the padding, ties, and the errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neurona as nr
from neurona import functional as F
from neurona.functional._windows import plan

POOLS = [  # pool_size, strides, padding
    (2, None, "valid"),
    (3, 2, "valid"),  # overlapping windows
    (3, 1, "same"),  # overlapping, padded on every side
    (2, None, "same"),  # odd size: one padded row and column at the bottom/right
    ((2, 3), (1, 2), "same"),
]


@pytest.mark.parametrize("pool, strides, padding", POOLS)
@pytest.mark.parametrize("op", [F.max_pool2d, F.avg_pool2d])
def test_pool2d_gradients_match_central_differences(op, pool, strides, padding, rng):
    x = rng.permutation(2 * 5 * 7 * 2).reshape(2, 5, 7, 2) / 10.0  # distinct values: no ties
    report = nr.gradcheck(lambda x: op(x, pool, strides, padding), [x])
    assert report.ok, report


@pytest.mark.parametrize("op", [F.max_pool1d, F.avg_pool1d])
@pytest.mark.parametrize("pool, strides, padding", [(2, None, "valid"), (3, 2, "same")])
def test_pool1d_gradients_match_central_differences(op, pool, strides, padding, rng):
    x = rng.permutation(2 * 9 * 3).reshape(2, 9, 3) / 10.0
    report = nr.gradcheck(lambda x: op(x, pool, strides, padding), [x])
    assert report.ok, report


@settings(max_examples=25, deadline=None)
@given(
    h=st.integers(2, 8),
    w=st.integers(2, 8),
    k=st.integers(1, 3),
    s=st.integers(1, 3),
    same=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_properties_over_shapes_strides_and_padding(h, w, k, s, same, seed):
    padding = "same" if same else "valid"
    if not same and k > min(h, w):
        return
    x = np.random.default_rng(seed).normal(size=(2, h, w, 3))
    xt = nr.tensor(x, requires_grad=True)
    z_max = F.max_pool2d(xt, k, s, padding)
    z_avg = F.avg_pool2d(x, k, s, padding).numpy()
    expected = [-(-n // s) if same else (n - k) // s + 1 for n in (h, w)]
    assert z_max.shape == z_avg.shape == (2, *expected, 3)
    assert np.all(z_max.numpy() >= z_avg - 1e-12)  # a maximum is at least the mean
    z_max.sum().backward()  # each output sends its gradient to exactly one pixel
    assert xt.grad.shape == x.shape and xt.grad.sum() == pytest.approx(z_max.size)
    assert set(np.unique(xt.grad)) <= set(range(k * k + 1))


def test_hand_computed_windows():
    # x = [[1, 5, 2, 0], [3, 4, 8, 1]] as one 2×4 image: 2×2 windows [[1, 5], [3, 4]], [[2, 0],
    # [8, 1]] → max 5 and 8, mean 13/4 = 3.25 and 11/4 = 2.75
    x = np.array([[1.0, 5.0, 2.0, 0.0], [3.0, 4.0, 8.0, 1.0]]).reshape(1, 2, 4, 1)
    assert F.max_pool2d(x).numpy().ravel().tolist() == [5.0, 8.0]
    assert F.avg_pool2d(x).numpy().ravel().tolist() == [3.25, 2.75]
    xt = nr.tensor(x, requires_grad=True)
    F.max_pool2d(xt).backward(np.array([10.0, 20.0]).reshape(1, 1, 2, 1))
    assert xt.grad.reshape(2, 4).tolist() == [[0, 10, 0, 0], [0, 0, 20, 0]]


@pytest.mark.parametrize("pool, strides", [(2, 2), (3, 2), ((2, 3), (1, 2)), (3, 1), (2, 3)])
def test_max_and_avg_pool_match_torch(pool, strides, rng, torch, oracle_close):
    x = rng.normal(size=(3, 9, 8, 4))
    for ours_op, torch_op in [
        (F.max_pool2d, torch.nn.functional.max_pool2d),
        (F.avg_pool2d, torch.nn.functional.avg_pool2d),
    ]:
        xt = nr.tensor(x, requires_grad=True)
        out = ours_op(xt, pool, strides)
        g = rng.normal(size=out.shape)
        out.backward(g)
        X = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
        theirs = torch_op(X, pool, strides).permute(0, 2, 3, 1)
        theirs.backward(torch.tensor(g))
        oracle_close(out, theirs)
        oracle_close(xt.grad, X.grad.permute(0, 2, 3, 1))


def test_max_pool_same_matches_torch_on_minus_infinity_padding(rng, torch, oracle_close):
    # Keras 'same' for 5 pixels, pool 2, stride 2: out 3, one padded pixel at the bottom/right
    x = rng.normal(size=(2, 5, 5, 3))
    xt = nr.tensor(x, requires_grad=True)
    out = F.max_pool2d(xt, 2, padding="same")
    g = rng.normal(size=out.shape)
    out.backward(g)
    X = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
    padded = torch.nn.functional.pad(X, (0, 1, 0, 1), value=-float("inf"))
    theirs = torch.nn.functional.max_pool2d(padded, 2).permute(0, 2, 3, 1)
    theirs.backward(torch.tensor(g))
    oracle_close(out, theirs)
    oracle_close(xt.grad, X.grad.permute(0, 2, 3, 1))


def test_avg_pool_same_counts_only_real_pixels_like_keras(rng, keras, oracle_close):
    x = rng.normal(size=(2, 5, 6, 3)).astype(np.float32)
    ours = F.avg_pool2d(x, 3, 2, "same")
    theirs = keras.layers.AveragePooling2D(3, strides=2, padding="same")(x)
    oracle_close(ours, np.asarray(theirs))
    # 3×3 ones, pool 2, 'same': the bottom-right window holds one real pixel → 1, not 1/4
    ones = F.avg_pool2d(np.ones((1, 3, 3, 1)), 2, padding="same")
    assert ones.numpy().ravel().tolist() == [1.0] * 4


def test_avg_pool_same_matches_torch_without_counting_padding(rng, torch, oracle_close):
    x = rng.normal(size=(2, 7, 7, 2))
    xt = nr.tensor(x, requires_grad=True)
    out = F.avg_pool2d(xt, 3, 1, "same")  # symmetric padding 1: torch can express it
    g = rng.normal(size=out.shape)
    out.backward(g)
    X = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
    theirs = torch.nn.functional.avg_pool2d(X, 3, 1, padding=1, count_include_pad=False)
    theirs = theirs.permute(0, 2, 3, 1)
    theirs.backward(torch.tensor(g))
    oracle_close(out, theirs)
    oracle_close(xt.grad, X.grad.permute(0, 2, 3, 1))


def test_ties_send_the_gradient_to_the_first_maximum_like_torch(torch):
    x = np.zeros((1, 3, 3, 1))  # every window is all ties (relu's dead zeros)
    xt = nr.tensor(x, requires_grad=True)
    F.max_pool2d(xt, 2, 1).backward(np.ones((1, 2, 2, 1)))
    X = torch.zeros(1, 1, 3, 3, dtype=torch.float64, requires_grad=True)
    torch.nn.functional.max_pool2d(X, 2, 1).sum().backward()
    np.testing.assert_array_equal(xt.grad[0, :, :, 0], X.grad[0, 0].numpy())
    assert xt.grad.sum() == 4.0


def test_upsample2d_matches_torch_nearest_and_its_gradient(rng, torch, oracle_close):
    x = rng.normal(size=(2, 3, 4, 2))
    xt = nr.tensor(x, requires_grad=True)
    out = F.upsample2d(xt, (2, 3))
    g = rng.normal(size=out.shape)
    out.backward(g)
    X = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
    theirs = torch.nn.functional.interpolate(X, scale_factor=(2, 3), mode="nearest")
    theirs = theirs.permute(0, 2, 3, 1)
    theirs.backward(torch.tensor(g))
    oracle_close(out, theirs)
    oracle_close(xt.grad, X.grad.permute(0, 2, 3, 1))
    assert nr.gradcheck(lambda x: F.upsample2d(x, 2), [x]).ok


def test_global_pooling_is_mean_or_max_over_the_image_axes(rng):
    x = rng.normal(size=(2, 4, 5, 3))
    np.testing.assert_allclose(F.mean(x, axis=(1, 2)).numpy(), x.mean(axis=(1, 2)))
    np.testing.assert_allclose(F.max(x, axis=(1, 2)).numpy(), x.max(axis=(1, 2)))


def test_float32_stays_float32(rng):
    x = nr.tensor(rng.normal(size=(2, 6, 6, 3)).astype(np.float32), requires_grad=True)
    out = F.max_pool2d(x) + F.avg_pool2d(x, 3, 2, "same")[:, :3, :3]
    assert out.dtype == np.float32
    out.sum().backward()
    assert x.grad.dtype == np.float32


def test_errors_say_what_was_expected():
    with pytest.raises(ValueError, match=r"\(batch, height, width, channels\)"):
        F.max_pool2d(np.ones((4, 4, 1)))
    with pytest.raises(ValueError, match=r"\(batch, steps, channels\)"):
        F.avg_pool1d(np.ones((4, 4)))
    with pytest.raises(ValueError, match="pool_size to be a positive int"):
        F.max_pool2d(np.ones((1, 4, 4, 1)), 0)
    with pytest.raises(ValueError, match="output would be empty"):
        F.max_pool2d(np.ones((1, 1, 4, 1)), 2)


# A max pooling fed by a convolution with a fused ReLU applies relu' = [z > 0] on its pooled
# maxima and the convolution skips its own mask: the same numbers as unfused, ties included.
RELU_POOLS = [  # input (h, w), pool, strides, padding
    ((8, 8), 2, None, "valid"),  # windows that tile the image
    ((9, 9), 2, None, "valid"),  # pixels left over: per-offset masks
    ((8, 9), 3, 2, "valid"),  # overlapping windows
    ((7, 7), 2, None, "same"),  # −∞ padding at the bottom/right
]


def integer_relu_conv(rng, hw, shape_x=None):
    """Integer x, kernel and bias: the ReLU outputs hold dead zeros and positive ties."""
    x = rng.integers(-1, 2, size=shape_x or (2, *hw, 2)).astype(float)
    W = rng.integers(-1, 2, size=(3, 3, 2, 3)[-x.ndim :]).astype(float)
    return x, W, np.array([0.0, -1.0, 1.0])


@pytest.mark.parametrize("hw, pool, strides, padding", RELU_POOLS)
def test_max_pool_of_relu_conv_matches_torch_with_ties(hw, pool, strides, padding, rng, torch):
    x, W, b = integer_relu_conv(rng, (hw[0] + 2, hw[1] + 2))
    xt, Wt, bt = (nr.tensor(a, requires_grad=True) for a in (x, W, b))
    out = F.max_pool2d(F.conv2d(xt, Wt, bt, activation="relu"), pool, strides, padding)
    g = rng.integers(1, 4, size=out.shape).astype(float)
    out.backward(g)
    X, K, B = (torch.tensor(a, requires_grad=True) for a in (x.transpose(0, 3, 1, 2), W, b))
    A = torch.relu(torch.nn.functional.conv2d(X, K.permute(3, 2, 0, 1), B))
    if padding == "same":
        s = pool if strides is None else strides
        _, ((top, bottom), (left, right)) = plan("", hw, (pool,) * 2, (s, s), (1, 1), "same")
        A = torch.nn.functional.pad(A, (left, right, top, bottom), value=-float("inf"))
    theirs = torch.nn.functional.max_pool2d(A, pool, strides).permute(0, 2, 3, 1)
    theirs.backward(torch.tensor(g))
    np.testing.assert_array_equal(out.numpy(), theirs.detach().numpy())
    assert np.any(xt.grad != 0)
    np.testing.assert_array_equal(xt.grad, X.grad.permute(0, 2, 3, 1).numpy())
    np.testing.assert_array_equal(Wt.grad, K.grad.numpy())
    np.testing.assert_array_equal(bt.grad, B.grad.numpy())


@pytest.mark.parametrize("hw, pool, strides, padding", RELU_POOLS[:3])
def test_max_pool_of_relu_conv_gradients_match_central_differences(hw, pool, strides, padding, rng):
    x, W, b = (
        rng.normal(size=(2, hw[0] + 2, hw[1] + 2, 2)),
        rng.normal(size=(3, 3, 2, 3)),
        rng.normal(size=3),
    )

    def f(x, W, b):
        return F.max_pool2d(F.conv2d(x, W, b, activation="relu"), pool, strides, padding)

    report = nr.gradcheck(f, [x, W, b])
    assert report.ok, report


def test_max_pool1d_of_relu_conv1d_matches_the_unfused_gradient(rng):
    x, W, b = integer_relu_conv(rng, None, (2, 11, 2))
    grads = []
    for fused in (True, False):
        xt, Wt, bt = (nr.tensor(a, requires_grad=True) for a in (x, W, b))
        a = F.conv1d(xt, Wt, bt, activation="relu" if fused else None)
        out = F.max_pool1d(a if fused else F.relu(a), 2)
        out.backward(np.arange(out.size, dtype=float).reshape(out.shape) + 1)
        grads.append([xt.grad, Wt.grad, bt.grad])
    for ours, unfused in zip(*grads):
        np.testing.assert_array_equal(ours, unfused)


def test_relu_conv_read_elsewhere_or_retaining_its_grad_keeps_the_plain_gradient(rng):
    x, W, b = integer_relu_conv(rng, (10, 10))
    for case in ("second reader", "retain_grad"):
        grads = []
        for fused in (True, False):
            xt, Wt = nr.tensor(x, requires_grad=True), nr.tensor(W, requires_grad=True)
            a = F.conv2d(xt, Wt, b, activation="relu" if fused else None)
            a = a if fused else F.relu(a)
            if case == "retain_grad":
                a.retain_grad()
            loss = (F.max_pool2d(a) * 3.0).sum()
            if case == "second reader":
                loss = loss + (a * a).sum()
            loss.backward()
            grads.append([xt.grad, Wt.grad] + ([a.grad] if case == "retain_grad" else []))
        for ours, unfused in zip(*grads):
            np.testing.assert_array_equal(ours, unfused)
    assert np.any((a.grad != 0) & (a.numpy() == 0))  # ∂L/∂a itself, before relu'
