"""Floor 2 helper: the error function erf and its complement erfc on arrays, float64-accurate
without SciPy (NumPy has no erf). Used by the exact GELU, x Φ(x) with Φ(x) = ½ erfc(−x/√2).

W. J. Cody's rational Chebyshev approximations (Math. Comp. 23, 1969, as in netlib's
specfun CALERF): erf(x) = x P(x²)/Q(x²) for |x| ≤ 0.46875; erfc(x) = e^{−x²} P(x)/Q(x) for
0.46875 < x ≤ 4; erfc(x) = e^{−x²}/x (1/√π + z P(z)/Q(z)), z = 1/x², beyond.
"""

from __future__ import annotations

import math
from typing import Any

from neurona.backend import get_array_module

_SMALL = 0.46875
_A = (
    3.16112374387056560e00,
    1.13864154151050156e02,
    3.77485237685302021e02,
    3.20937758913846947e03,
    1.85777706184603153e-1,
)
_B = (
    2.36012909523441209e01,
    2.44024637934444173e02,
    1.28261652607737228e03,
    2.84423683343917062e03,
)
_C = (
    5.64188496988670089e-1,
    8.88314979438837594e00,
    6.61191906371416295e01,
    2.98635138197400131e02,
    8.81952221241769090e02,
    1.71204761263407058e03,
    2.05107837782607147e03,
    1.23033935479799725e03,
    2.15311535474403846e-8,
)
_D = (
    1.57449261107098347e01,
    1.17693950891312499e02,
    5.37181101862009858e02,
    1.62138957456669019e03,
    3.29079923573345963e03,
    4.36261909014324716e03,
    3.43936767414372164e03,
    1.23033935480374942e03,
)
_P = (
    3.05326634961232344e-1,
    3.60344899949804439e-1,
    1.25781726111229246e-1,
    1.60837851487422766e-2,
    6.58749161529837803e-4,
    1.63153871373020978e-2,
)
_Q = (
    2.56852019228982242e00,
    1.87295284992346047e00,
    5.27905102951428412e-1,
    6.05183413124413191e-2,
    2.33520497626869185e-3,
)


def _ratio(t, num, den, n):
    """Cody's nested evaluation of the rational function with coefficients ``num``/``den``."""
    top, bottom = num[-1] * t, t
    for i in range(n):
        top = (top + num[i]) * t
        bottom = (bottom + den[i]) * t
    return (top + num[n]) / (bottom + den[n])


def _erf_small(x):
    """erf(x) for |x| ≤ 0.46875."""
    return x * _ratio(x * x, _A, _B, 3)


def _erfc_large(y):
    """erfc(y) for y > 0.46875 (zero, without a warning, where e^{−y²} underflows)."""
    xp = get_array_module(y)
    y = xp.minimum(y, 30.0)  # erfc(30) ≈ 2.6e-393 is 0 in float64; this also keeps inf safe
    out = xp.empty_like(y)
    mid = y <= 4
    out[mid] = _ratio(y[mid], _C, _D, 7)
    far = ~mid
    y_far = y[far]
    z = 1 / (y_far * y_far)
    out[far] = (1 / math.sqrt(math.pi) - z * _ratio(z, _P, _Q, 4)) / y_far
    # e^{−y²} = e^{−r²} e^{−(y−r)(y+r)} with r = y rounded down to 1/16: keeps the tail accurate
    r = xp.trunc(y * 16) / 16
    return out * xp.exp(-r * r) * xp.exp(-(y - r) * (y + r))


def erf(x: Any):
    """erf(x) = (2/√π) ∫₀ˣ e^{−t²} dt elementwise, to about 1e-16 relative error in float64.

    Example:
        >>> import numpy as np
        >>> float(erf(np.array([0.5]))[0])
        0.5204998778130465
    """
    xp = get_array_module(x)
    x = xp.asarray(x)
    y = xp.abs(x)
    out = xp.empty_like(y)
    small = y <= _SMALL
    out[small] = _erf_small(x[small])
    large = ~small
    out[large] = xp.copysign(1 - _erfc_large(y[large]), x[large])
    return out


def erfc(x: Any):
    """erfc(x) = 1 − erf(x) elementwise, accurate in the right tail too (erfc(10) ≈ 2.1e-45).

    Example:
        >>> import numpy as np
        >>> float(erfc(np.array([3.0]))[0])
        2.2090496998585438e-05
    """
    xp = get_array_module(x)
    x = xp.asarray(x)
    y = xp.abs(x)
    out = xp.empty_like(y)
    small = y <= _SMALL
    out[small] = 1 - _erf_small(x[small])
    large = ~small
    tail = _erfc_large(y[large])
    out[large] = xp.where(x[large] < 0, 2 - tail, tail)
    return out
