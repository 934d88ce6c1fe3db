"""Floor 1: the ``Function`` base class. A primitive keeps its forward, backward (vector-Jacobian
product, for reverse mode) and jvp (Jacobian-vector product, for forward mode) side by side;
``apply`` runs the forward pass on arrays and records the node on the tape."""

from __future__ import annotations

from typing import Any

from neurona.autodiff.graph import _State
from neurona.autodiff.tensor import Tensor
from neurona.backend import get_array_module
from neurona.errors import NotDifferentiableError


class Function:
    """Base class of every differentiable primitive (a node of the computational graph).

    A subclass writes three small methods on plain arrays:

    - ``forward(*arrays, **params) -> array`` (or a tuple of arrays for several outputs), saving
      what backward needs with ``self.save_for_backward(...)``;
    - ``backward(grad_out) -> grad or tuple of grads``, one per positional input (None where an
      input needs no gradient; ``self.needs_input_grad[i]`` says which are wanted);
    - ``jvp(*tangents) -> tangent of the output`` (forward mode), one tangent per positional input
      (zeros for constants).

    Positional arguments are the op's inputs (tensors, arrays or Python numbers); keyword
    arguments are fixed parameters such as ``axis``.

    Class flags: ``tracked = False`` for ops whose output never carries a gradient (comparisons);
    ops with ``backward`` left undefined (step, sign) raise ``NotDifferentiableError`` if a
    backward pass reaches them.

    Example:
        >>> import numpy as np, neurona as nr
        >>> class Square(Function):
        ...     '''z = x².  backward: ∂L/∂x = 2x ∂L/∂z.  jvp: ż = 2x ẋ.'''
        ...     def forward(self, x):
        ...         self.save_for_backward(x)
        ...         return x * x
        ...     def backward(self, grad_out):
        ...         (x,) = self.saved
        ...         return 2 * x * grad_out
        ...     def jvp(self, x_dot):
        ...         (x,) = self.saved
        ...         return 2 * x * x_dot
        >>> x = nr.tensor([3.0], requires_grad=True)
        >>> Square.apply(x).backward(np.ones(1, dtype="float32")); x.grad
        array([6.], dtype=float32)
    """

    tracked = True
    saved: tuple = ()
    inputs: tuple = ()
    needs_input_grad: tuple = ()
    n_outputs = 1
    output_shapes: list = []
    released = False

    def save_for_backward(self, *arrays: Any) -> None:
        """Keep arrays (inputs, outputs or intermediates) that backward and jvp will need."""
        self.saved = arrays

    def forward(self, *arrays: Any, **params: Any):
        """Compute the output array(s) from input arrays."""
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def backward(self, *grads_out: Any):
        """Map ∂L/∂output(s) to ∂L/∂input for each positional input."""
        raise NotDifferentiableError(
            f"{type(self).__name__} has no gradient: a backward pass reached it, but it is "
            "piecewise constant (its derivative is 0 almost everywhere and undefined at the "
            "jumps). Use a smooth stand-in (sigmoid instead of step, tanh instead of sign), or "
            "call .detach() on its input if you do not need the gradient through it."
        )

    def jvp(self, *tangents: Any):
        """Map tangents of the inputs to the tangent of the output (forward mode)."""
        raise NotImplementedError(
            f"{type(self).__name__} has no forward-mode rule (jvp); use reverse mode (backward) "
            "or add a jvp() method to it."
        )

    @classmethod
    def apply(cls, *args: Any, **params: Any):
        """Run ``forward`` on the arrays inside ``args`` and record the node when needed."""
        fn = cls()
        arrays, needs = [], []
        for a in args:  # one pass: the arrays for forward, and which inputs carry a gradient
            if isinstance(a, Tensor):
                arrays.append(a.data)
                needs.append(a.requires_grad)
            else:
                arrays.append(a)
                needs.append(False)
        out = fn.forward(*arrays, **params)
        requires = _State.grad_enabled and cls.tracked and True in needs
        if requires:
            fn.inputs = args
            fn.needs_input_grad = tuple(needs)
        if type(out) is tuple:
            fn.n_outputs = len(out)
            fn.output_shapes = [o.shape for o in out]
            outputs = tuple(
                Tensor._make(o, requires, fn if requires else None, i) for i, o in enumerate(out)
            )
        else:
            outputs = Tensor._make(out, requires, fn if requires else None, 0)
        if _State.forward_mode:
            fn._push_tangents(args, arrays, outputs)
        return outputs

    def _push_tangents(self, args: tuple, arrays: list, outputs) -> None:
        """Forward mode: compute the output tangent(s) from the inputs' tangents."""
        if not any(isinstance(a, Tensor) and a.tangent is not None for a in args):
            return
        tangents = []
        for a, x in zip(args, arrays):
            if isinstance(a, Tensor) and a.tangent is not None:
                tangents.append(a.tangent)
            elif x is None or isinstance(x, (bool, int, float, str)):
                tangents.append(0.0 if isinstance(x, (int, float)) else None)
            else:
                tangents.append(get_array_module(x).zeros_like(x))
        out_dot = self.jvp(*tangents)
        if isinstance(outputs, tuple):
            for o, o_dot in zip(outputs, out_dot):
                o.tangent = o_dot
        else:
            outputs.tangent = out_dot

    def parents(self):
        """The input tensors that carry a gradient (the graph's edges into this node)."""
        return [t for t, need in zip(self.inputs, self.needs_input_grad) if need]

    def fill_zero_grads(self, grads_out: list) -> list:
        """For several outputs: zeros for the outputs no path reached."""
        if all(g is not None for g in grads_out):
            return grads_out
        shapes = self.output_shapes
        like = next(g for g in grads_out if g is not None)
        xp = get_array_module(like)
        return [
            xp.zeros(shape, dtype=like.dtype) if g is None else g
            for g, shape in zip(grads_out, shapes)
        ]

    def release(self) -> None:
        """Free the saved arrays and the links to the inputs (after a backward pass)."""
        self.saved = ()
        self.inputs = ()
        self.needs_input_grad = ()
        self.released = True
