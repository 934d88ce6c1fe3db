"""gradcheck itself: it passes correct rules and catches (and locates) wrong ones."""

import numpy as np

import neurona as nr
from neurona.autodiff.function import Function


class WrongBackward(Function):
    """z = x³ with a deliberately wrong backward (2x² instead of 3x²) and a correct jvp."""

    def forward(self, x):
        self.save_for_backward(x)
        return x**3

    def backward(self, grad_out):
        (x,) = self.saved
        return grad_out * 2 * x**2

    def jvp(self, x_dot):
        (x,) = self.saved
        return 3 * x**2 * x_dot


class WrongJvp(WrongBackward):
    """The same with a correct backward and a wrong jvp."""

    def backward(self, grad_out):
        (x,) = self.saved
        return grad_out * 3 * x**2

    def jvp(self, x_dot):
        return x_dot


def test_gradcheck_passes_a_correct_rule(rng):
    x, y = rng.normal(size=(2, 3)), rng.normal(size=3) + 4
    report = nr.gradcheck(lambda x, y: x * y + x / y, [x, y])
    assert report.ok and report.failures == 0
    assert "ok" in str(report)


def test_gradcheck_catches_a_wrong_backward_and_names_the_worst_element():
    x = np.array([1.0, -2.0, 3.0])
    report = nr.gradcheck(WrongBackward.apply, [x])
    assert not report.ok
    assert report.worst["mode"] == "reverse" and report.worst["input"] == 0
    assert "FAILED" in str(report) and "index" in str(report)


def test_gradcheck_catches_a_wrong_jvp():
    report = nr.gradcheck(WrongJvp.apply, [np.array([1.0, -2.0, 3.0])])
    assert not report.ok and report.worst["mode"] == "forward"


def test_gradcheck_works_in_float64_even_for_float32_inputs(rng):
    report = nr.gradcheck(lambda x: x * x * x, [rng.normal(size=4).astype(np.float32)])
    assert report.ok, report
