"""The XOR lab with the bare engine: the loss falls and the network solves XOR."""

import numpy as np

from neurona.labs import xor_autodiff


def test_a_2_4_1_network_solves_xor():
    result = xor_autodiff.run(epochs=1500, seed=1)
    assert result.losses[-1] < 0.1 * result.losses[0]
    assert ((result.predictions > 0.5).astype(int).ravel() == [0, 1, 1, 0]).all()


def test_reports_go_to_print_fn():
    lines = []
    xor_autodiff.run(epochs=20, report_every=10, print_fn=lines.append)
    assert len(lines) == 3 and lines[0].startswith("epoch     1")
    assert np.isfinite([float(s.split()[-1]) for s in lines]).all()
