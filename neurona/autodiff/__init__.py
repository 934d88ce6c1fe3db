"""Floor 1: the automatic-differentiation engine. ``Tensor`` records the ops applied to it;
``backward()`` runs reverse mode, ``jvp`` runs forward mode, ``grad`` and ``value_and_grad``
wrap functions, ``gradcheck`` compares both with central differences and ``to_dot`` draws the
graph."""

from neurona.autodiff.tensor import Tensor, tensor  # noqa: I001 - tensor first (import cycle)
from neurona.autodiff.function import Function
from neurona.autodiff.graph import backward, enable_grad, is_grad_enabled, no_grad
from neurona.autodiff.forward import jvp
from neurona.autodiff.transforms import grad, value_and_grad
from neurona.autodiff.gradcheck import GradcheckReport, gradcheck
from neurona.autodiff.dot import to_dot

__all__ = [
    "Tensor",
    "tensor",
    "Function",
    "backward",
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "jvp",
    "grad",
    "value_and_grad",
    "gradcheck",
    "GradcheckReport",
    "to_dot",
]
