"""Helpers of the Keras-guide tests: the same guide code run by neurona and by real Keras (the
oracle, JAX backend), on the same weights."""

from __future__ import annotations

import inspect
import re
import textwrap

import numpy as np
import pytest


class GuideOracle:
    """Compare a neurona model with the same Keras model: predictions, then one epoch of SGD."""

    def __init__(self, keras):
        self.keras = keras

    @staticmethod
    def copy_weights(ours, theirs) -> None:
        """Keras's weights become neurona's (same order and shapes, Keras's layouts)."""
        theirs.set_weights(ours.get_weights())

    def keras_versions(self, *classes) -> dict:
        """The guide's classes with ``keras``, ``layers`` and ``ops`` bound to the real Keras:
        the same source, executed with other globals (for code with no backend-specific part)."""
        source = "\n\n".join(textwrap.dedent(inspect.getsource(cls)) for cls in classes)
        k = self.keras
        namespace = {"keras": k, "layers": k.layers, "ops": k.ops, "np": np}
        exec(compile(source, "<keras guide>", "exec"), namespace)
        return namespace

    @staticmethod
    def copy_weights_layer_by_layer(ours, theirs) -> None:
        """Each layer's weights to the Keras layer made at the same point of the guide's code
        (same class, same creation order, or same given name), whatever order the models list
        their layers in."""
        mine, other = _by_creation(ours), _by_creation(theirs)
        assert list(mine) == list(other), f"{list(mine)} != {list(other)}"
        for key in mine:
            other[key].set_weights(mine[key].get_weights())

    @staticmethod
    def assert_same_predict(ours, theirs, x, rtol=1e-5, atol=1e-5) -> None:
        mine = ours.predict(x, verbose=0)
        other = theirs.predict(x, verbose=0)
        if isinstance(mine, dict):
            assert sorted(mine) == sorted(other)
            for key in mine:
                np.testing.assert_allclose(mine[key], np.asarray(other[key]), rtol, atol)
        elif isinstance(mine, (list, tuple)):
            assert len(mine) == len(other)
            for a, b in zip(mine, other):
                np.testing.assert_allclose(a, np.asarray(b), rtol, atol)
        else:
            np.testing.assert_allclose(mine, np.asarray(other), rtol=rtol, atol=atol)

    @staticmethod
    def assert_same_epoch(
        ours, theirs, x, y, keys=("loss",), rtol=1e-4, atol=1e-5, layer_by_layer=False, **fit
    ):
        """One epoch, one batch, no shuffling: the same logged values and the same weights."""
        fit = {
            "epochs": 1,
            "batch_size": len(np.asarray(_first(x))),
            "shuffle": False,
            "verbose": 0,
            **fit,
        }
        mine = ours.fit(x, y, **fit).history
        other = theirs.fit(x, y, **fit).history
        for key in keys:
            assert key in mine, f"{key!r} missing from neurona's history {sorted(mine)}"
            np.testing.assert_allclose(mine[key], other[key], rtol=rtol, atol=atol, err_msg=key)
        pairs = [(ours, theirs)]
        if layer_by_layer:
            mine_layers, other_layers = _by_creation(ours), _by_creation(theirs)
            pairs = [(mine_layers[key], other_layers[key]) for key in mine_layers]
        for mine_layer, other_layer in pairs:
            for a, b in zip(mine_layer.get_weights(), other_layer.get_weights()):
                np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)
        return mine, other


def _by_creation(model) -> dict:
    """The layers with weights, keyed by (class, rank in creation order) for generated names
    ('dense', 'dense_3', …) or (class, given name)."""
    found, generated = {}, {}
    for layer in model.layers:
        if not layer.weights:
            continue
        kind = type(layer).__name__
        prefix, number = re.fullmatch(r"(.+?)(?:_(\d+))?", layer.name).groups()
        if prefix.replace("_", "") == kind.lower():
            generated.setdefault(kind, []).append((int(number or 0), layer))
        else:
            found[(kind, layer.name)] = layer
    for kind, numbered in generated.items():
        for rank, (_, layer) in enumerate(sorted(numbered, key=lambda pair: pair[0])):
            found[(kind, f"#{rank}")] = layer
    return dict(sorted(found.items()))


def _first(x):
    if isinstance(x, dict):
        return next(iter(x.values()))
    if isinstance(x, (list, tuple)):
        return x[0]
    return x


@pytest.fixture
def guide_oracle(keras):
    """The helper above, with the Keras module (skipped where Keras is missing)."""
    return GuideOracle(keras)
