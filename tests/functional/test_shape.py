"""Shape ops: float64 gradient checks (reverse and forward mode), oracle tests against PyTorch,
indexing with repeated indices, gradient shapes and the error messages."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes

import neurona as nr
from neurona import functional as F

INDICES = [
    (slice(1, None), slice(None, None, -2)),  # basic slicing with a negative step
    1,  # an int drops the axis
    (Ellipsis, None, 0),  # Ellipsis and a new axis
    [0, 0, 2],  # repeated integer indices (a list)
    ([0, 2, 2], [1, 1, 1]),  # one element picked three times
    (slice(None), np.array([3, 0, 3])),  # a slice then an integer array
    np.array([[0, 1], [1, 1]]),  # a 2-D integer array
    np.array([True, False, True]),  # a boolean mask over the first axis
    (-1, -1),  # a single element
]


@pytest.mark.parametrize("index", INDICES, ids=repr)
def test_getitem_gradient_matches_central_differences(index, rng):
    report = nr.gradcheck(lambda x: F.getitem(x, index), [rng.normal(size=(3, 4))])
    assert report.ok, report


def test_getitem_with_an_elementwise_boolean_mask(rng):
    x = rng.normal(size=(3, 4))
    mask = x > 0
    report = nr.gradcheck(lambda x: x[mask], [x])
    assert report.ok, report


@pytest.mark.parametrize(
    "shape, new",
    [((6,), (2, 3)), ((2, 3, 4), (4, -1)), ((2, 3), -1), ((1,), ()), ((4, 3), (3, 2, 2))],
)
def test_reshape_gradient_matches_central_differences(shape, new, rng):
    report = nr.gradcheck(lambda x: F.reshape(x, new), [rng.normal(size=shape)])
    assert report.ok, report


@pytest.mark.parametrize(
    "shape, axes", [((3, 4), None), ((2, 3, 4), (1, 2, 0)), ((2, 3, 4), (-1, 0, 1)), ((5,), None)]
)
def test_transpose_gradient_matches_central_differences(shape, axes, rng):
    report = nr.gradcheck(lambda x: F.transpose(x, axes), [rng.normal(size=shape)])
    assert report.ok, report


@pytest.mark.parametrize(
    "shapes, axis",
    [
        ([(2, 3), (4, 3)], 0),
        ([(2, 3), (2, 1), (2, 2)], -1),
        ([(2, 1, 3), (2, 2, 3)], 1),
        ([(4,)], 0),
    ],
)
def test_concatenate_gradient_matches_central_differences(shapes, axis, rng):
    xs = [rng.normal(size=s) for s in shapes]
    report = nr.gradcheck(lambda *xs: F.concatenate(list(xs), axis=axis), xs)
    assert report.ok, report


@pytest.mark.parametrize(
    "shape, n, axis", [((3,), 2, 0), ((2, 3), 3, 1), ((2, 3), 2, -1), ((), 3, 0)]
)
def test_stack_gradient_matches_central_differences(shape, n, axis, rng):
    xs = [rng.normal(size=shape) for _ in range(n)]
    report = nr.gradcheck(lambda *xs: F.stack(xs, axis=axis), xs)
    assert report.ok, report


@pytest.mark.parametrize(
    "op",
    [
        lambda x: F.expand_dims(x, 1),
        lambda x: F.expand_dims(x, (0, -1)),
        lambda x: F.squeeze(F.expand_dims(x, 0), 0),
        lambda x: F.squeeze(x),
        lambda x: F.flatten(x),
        lambda x: F.flatten(x, start_axis=1),
        lambda x: F.pad(x, 1),
        lambda x: F.pad(x, ((0, 0), (2, 1), (0, 3)), constant_values=5.0),
        lambda x: x.T,
        lambda x: x.reshape(3, 2, 2),
        lambda x: x.transpose(2, 0, 1),
    ],
)
def test_helpers_and_tensor_methods_gradients(op, rng):
    report = nr.gradcheck(op, [rng.normal(size=(3, 1, 4))])
    assert report.ok, report


@settings(max_examples=30, deadline=None)
@given(shape=array_shapes(min_dims=0, max_dims=4, max_side=3), data=st.data())
def test_random_permutations_and_reshapes_keep_gradient_shapes(shape, data):
    axes = tuple(data.draw(st.permutations(range(len(shape)))))
    x = np.random.default_rng(0).normal(size=shape)
    f = lambda x: F.reshape(F.transpose(x, axes), -1)[::-1].reshape(shape)  # noqa: E731
    report = nr.gradcheck(f, [x])
    assert report.ok, report
    t = nr.tensor(x, requires_grad=True)
    F.transpose(t, axes).backward(np.ones(np.transpose(x, axes).shape))
    assert t.grad.shape == t.shape


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 6), picks=st.lists(st.integers(0, 5), min_size=1, max_size=12))
def test_repeated_indices_count_every_pick(n, picks):
    picks = [p % n for p in picks]
    x = nr.tensor(np.zeros(n), requires_grad=True)
    x[picks].sum().backward()
    np.testing.assert_array_equal(x.grad, np.bincount(picks, minlength=n))


def test_index_may_be_a_tensor_or_a_list_of_floats():
    x = nr.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    idx = nr.tensor([2, 0, 2])  # float32, as every neurona tensor made from a list
    z = x[:, idx]
    z.sum().backward()
    np.testing.assert_array_equal(z.numpy(), [[2, 0, 2], [5, 3, 5]])
    np.testing.assert_array_equal(x.grad, [[1, 0, 2], [1, 0, 2]])
    np.testing.assert_array_equal(x[x > 2.5].numpy(), [3, 4, 5])


def test_index_of_non_integral_floats_is_a_clear_error():
    with pytest.raises(IndexError, match="must hold integers or booleans"):
        F.getitem(nr.tensor([1.0, 2.0]), nr.tensor([0.5]))


def test_index_out_of_bounds_is_a_clear_error():
    with pytest.raises(IndexError, match=r"getitem\(\): index .* shape \(2, 3\)"):
        nr.tensor(np.ones((2, 3)))[5]


INDEX_ORACLES = [
    (slice(1, None), slice(None, None, 2)),
    [0, 0, 2],
    ([0, 2, 2], [1, 1, 1]),
    (Ellipsis, None, 1),
    np.array([True, False, True]),
]


@pytest.mark.parametrize("index", INDEX_ORACLES, ids=repr)
def test_getitem_matches_torch(index, rng, torch, oracle_close):
    x = rng.normal(size=(3, 4))
    ours, tx = nr.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out = ours[index]
    t_index = tuple(
        torch.tensor(i) if isinstance(i, (list, np.ndarray)) else i
        for i in (index if isinstance(index, tuple) else (index,))
    )
    theirs = tx[t_index]
    cotangent = rng.normal(size=out.shape)
    out.backward(cotangent)
    theirs.backward(torch.tensor(cotangent))
    oracle_close(out, theirs)
    oracle_close(ours.grad, tx.grad)


def _compare(ours_fn, torch_fn, xs, rng, torch, oracle_close):
    """Values and gradients of ours_fn(*tensors) against torch_fn(*torch tensors)."""
    ours = [nr.tensor(x, requires_grad=True) for x in xs]
    theirs = [torch.tensor(x, requires_grad=True) for x in xs]
    out, t_out = ours_fn(*ours), torch_fn(*theirs)
    cotangent = rng.normal(size=out.shape)
    out.backward(cotangent)
    t_out.backward(torch.tensor(cotangent))
    oracle_close(out, t_out)
    for a, b in zip(ours, theirs):
        oracle_close(a.grad, b.grad)


def test_reshape_and_transpose_match_torch(rng, torch, oracle_close):
    x = [rng.normal(size=(2, 3, 4))]
    _compare(
        lambda x: F.reshape(x, (4, -1)), lambda x: x.reshape(4, -1), x, rng, torch, oracle_close
    )
    _compare(
        lambda x: F.transpose(x, (2, 0, 1)),
        lambda x: x.permute(2, 0, 1),
        x,
        rng,
        torch,
        oracle_close,
    )
    _compare(lambda x: x.T, lambda x: x.permute(2, 1, 0), x, rng, torch, oracle_close)


def test_concatenate_stack_and_pad_match_torch(rng, torch, oracle_close):
    xs = [rng.normal(size=(2, 3)), rng.normal(size=(2, 5))]
    _compare(
        lambda a, b: F.concatenate([a, b], axis=1),
        lambda a, b: torch.cat([a, b], dim=1),
        xs,
        rng,
        torch,
        oracle_close,
    )
    ys = [rng.normal(size=(2, 3)) for _ in range(3)]
    _compare(
        lambda *t: F.stack(t, axis=1),
        lambda *t: torch.stack(t, dim=1),
        ys,
        rng,
        torch,
        oracle_close,
    )
    # torch's pad lists (before, after) pairs from the last axis backwards
    _compare(
        lambda x: F.pad(x, ((1, 0), (2, 3))),
        lambda x: torch.nn.functional.pad(x, (2, 3, 1, 0)),
        ys[:1],
        rng,
        torch,
        oracle_close,
    )


def test_concatenate_routes_each_block_to_its_input():
    a, b = nr.tensor([1.0], requires_grad=True), nr.tensor([2.0, 3.0], requires_grad=True)
    (F.concatenate([a, b]) * nr.tensor([10.0, 20.0, 30.0])).sum().backward()
    np.testing.assert_array_equal(a.grad, [10.0])
    np.testing.assert_array_equal(b.grad, [20.0, 30.0])


def test_concatenate_with_a_constant_input_gives_gradients_only_to_tensors():
    a = nr.tensor([1.0, 2.0], requires_grad=True)
    F.concatenate([np.zeros(3), a]).sum().backward()
    np.testing.assert_array_equal(a.grad, [1.0, 1.0])


def test_reshape_to_an_incompatible_size_is_a_clear_error():
    with pytest.raises(
        ValueError,
        match=r"reshape\(\): cannot reshape an input of shape \(2, 3\) "
        r"\(6 elements\) to \(4, 2\).*-1",
    ):
        F.reshape(nr.tensor(np.ones((2, 3))), (4, 2))
    with pytest.raises(ValueError, match=r"reshape\(\).*a multiple of 4"):
        nr.tensor(np.ones((2, 3))).reshape(-1, 4)
    with pytest.raises(ValueError, match="at most one -1"):
        F.reshape(nr.tensor(np.ones(4)), (-1, -1))


def test_concatenate_of_mismatched_shapes_is_a_clear_error():
    with pytest.raises(
        ValueError,
        match=r"concatenate\(\): input 1 has shape \(2, 4\) but input "
        r"0 has shape \(2, 3\).*except along axis 0",
    ):
        F.concatenate([nr.tensor(np.ones((2, 3))), nr.tensor(np.ones((2, 4)))])
    with pytest.raises(TypeError, match="non-empty list or tuple"):
        F.concatenate(nr.tensor(np.ones(3)))


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda x: F.stack([x, x.T]), ValueError, r"stack\(\): input 1 has shape \(3, 2\)"),
        (lambda x: F.stack([x], axis=3), ValueError, r"stack\(\): axis 3 is out of range"),
        (lambda x: F.transpose(x, (0, 0)), ValueError, "not a permutation"),
        (lambda x: F.squeeze(x, 0), ValueError, r"squeeze\(\): axis 0 has size 2"),
        (lambda x: F.expand_dims(x, (0, 0)), ValueError, "twice"),
        (lambda x: F.pad(x, ((1, -1), (0, 0))), ValueError, r"pad\(\): expected pad_width"),
        (lambda x: F.pad(x, ((1, 1),) * 3), ValueError, r"pad\(\): expected pad_width"),
    ],
)
def test_bad_arguments_are_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call(nr.tensor(np.ones((2, 3))))
