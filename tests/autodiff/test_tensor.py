"""Tensor: construction and dtypes, conversion, detach, and the course's y = x² example."""

import numpy as np
import pytest

import neurona as nr


def test_course_example_x_squared_at_3_has_gradient_6():
    # course [D] G9: x = 3, y = x², dy/dx = 2x = 6
    x = nr.tensor([3.0], requires_grad=True)
    y = x**2
    y.backward()
    assert x.grad.tolist() == [6.0]


def test_lists_and_python_numbers_become_float32():
    assert nr.tensor([1, 2, 3]).dtype == np.float32
    assert nr.tensor(2.5).dtype == np.float32
    assert nr.tensor(np.arange(3)).dtype == np.float32  # integers become the default float


def test_float_arrays_keep_their_dtype_unless_dtype_says_otherwise():
    a = np.zeros(3)
    assert nr.tensor(a).dtype == np.float64
    assert nr.tensor(a, dtype="float32").dtype == np.float32
    assert nr.tensor(a.astype(np.float16)).dtype == np.float16


def test_tensor_copies_its_data():
    a = np.zeros(3)
    t = nr.tensor(a)
    a[0] = 5.0
    assert t.numpy()[0] == 0.0


def test_grad_is_none_until_backward_then_a_numpy_array():
    x = nr.tensor([1.0, 2.0], requires_grad=True)
    assert x.grad is None
    (x * x).backward(np.ones(2, dtype=np.float32))
    assert isinstance(x.grad, np.ndarray) and x.grad.dtype == np.float32


def test_properties_item_numpy_and_repr():
    x = nr.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    assert x.shape == (1, 3) and x.ndim == 2 and x.size == 3 and len(x) == 1
    assert isinstance(x.numpy(), np.ndarray)
    assert nr.tensor([4.0]).item() == 4.0
    assert "requires_grad=True" in repr(x)
    assert "grad_fn=Mul" in repr(x * 2)


def test_item_of_many_elements_says_how_to_fix():
    with pytest.raises(ValueError, match="one element.*reduce"):
        nr.tensor([1.0, 2.0]).item()


def test_detach_cuts_the_graph():
    x = nr.tensor([2.0], requires_grad=True)
    y = (x * 3).detach()
    assert not y.requires_grad and y.is_leaf
    z = y * x
    z.backward()
    assert x.grad.tolist() == [6.0]  # only the direct path: ∂(y·x)/∂x = y = 6


def test_numpy_arrays_on_the_left_defer_to_the_tensor():
    x = nr.tensor([1.0, 2.0], requires_grad=True)
    y = np.array([3.0, 4.0], dtype=np.float32) * x
    assert isinstance(y, nr.Tensor) and y.requires_grad


def test_non_numeric_data_gets_a_clear_error():
    with pytest.raises(TypeError, match="tensor\\(\\): expected numbers"):
        nr.tensor({"a": 1})


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(TypeError, match="float tensors"):
        nr.Tensor(np.arange(3), requires_grad=True, dtype="int64")


def test_numpy_asarray_gives_the_values_as_for_a_keras_tensor():
    t = nr.tensor([[1.0, 2.0]], requires_grad=True) * 2
    values = np.asarray(t)
    assert values.dtype == np.float32 and values.tolist() == [[2.0, 4.0]]
    assert np.asarray(t, dtype=np.float64).dtype == np.float64
    assert np.array(t, copy=True) is not t.data


def test_numpy_asarray_of_a_scalar_result_is_a_0d_array():
    from neurona import layers, regularizers
    from neurona.models import Sequential

    model = Sequential([layers.Input((3,)), layers.Dense(2, kernel_regularizer=regularizers.l2())])
    model(np.ones((1, 3), np.float32))
    penalty = np.asarray(model.losses[0])  # raised "object __array__ method not producing an array"
    assert penalty.shape == () and penalty.dtype == np.float32
    assert np.asarray(nr.tensor([2.0]).sum()).shape == ()
