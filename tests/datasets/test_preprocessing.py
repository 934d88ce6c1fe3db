"""train_test_split (scikit-learn's or the own one), Standardizer/standardize, normalize and
to_categorical."""

import builtins

import numpy as np
import pytest

from neurona.datasets import preprocessing as pp


@pytest.fixture
def without_sklearn(monkeypatch):
    real_import = builtins.__import__

    def no_sklearn(name, *args, **kwargs):
        if name.startswith("sklearn"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)


def test_own_split_sizes_disjointness_and_seed(without_sklearn):
    X, y = np.arange(40).reshape(20, 2), np.arange(20)
    X_tr, X_te, y_tr, y_te = pp.train_test_split(X, y, test_size=0.25, random_state=1)
    assert X_tr.shape == (15, 2) and X_te.shape == (5, 2)
    assert sorted(np.concatenate([y_tr, y_te]).tolist()) == list(range(20))
    np.testing.assert_array_equal(X_tr[:, 0] // 2, y_tr)  # rows stay aligned
    again = pp.train_test_split(X, y, test_size=0.25, random_state=1)
    np.testing.assert_array_equal(again[3], y_te)
    unshuffled = pp.train_test_split(y, test_size=5, shuffle=False)
    assert unshuffled[1].tolist() == [15, 16, 17, 18, 19]


def test_own_split_stratifies(without_sklearn):
    y = np.array([0] * 30 + [1] * 10)
    y_tr, y_te = pp.train_test_split(y, test_size=0.25, stratify=y, random_state=0)
    assert np.bincount(y_te).tolist() == [8, 2] and np.bincount(y_tr).tolist() == [22, 8]


def test_split_errors(without_sklearn):
    with pytest.raises(ValueError, match="one length"):
        pp.train_test_split(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="test_size in"):
        pp.train_test_split(np.zeros(10), test_size=1.5)


def test_split_through_scikit_learn(sklearn):
    from sklearn.model_selection import train_test_split

    X, y = np.arange(40).reshape(20, 2), np.arange(20) % 2
    ours = pp.train_test_split(X, y, test_size=0.3, random_state=3, stratify=y)
    theirs = train_test_split(X, y, test_size=0.3, random_state=3, stratify=y)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)


def test_standardizer_fit_on_train_transform_test():
    x_train = np.array([[1.0, 5.0], [3.0, 5.0]], dtype=np.float32)
    scaler = pp.Standardizer().fit(x_train)
    # μ = (2, 5), σ = (1, 0 → 1)
    np.testing.assert_allclose(scaler.mean_, [2, 5])
    np.testing.assert_allclose(scaler.scale_, [1, 1])
    z = scaler.transform(np.array([[4.0, 7.0]], dtype=np.float32))
    assert z.dtype == np.float32 and z.tolist() == [[2.0, 2.0]]
    np.testing.assert_allclose(scaler.inverse_transform(z), [[4.0, 7.0]])
    with pytest.raises(ValueError, match="samples of shape"):
        scaler.transform(np.zeros((1, 3)))
    with pytest.raises(RuntimeError, match="Call fit"):
        pp.Standardizer().transform(x_train)


def test_standardize_returns_its_statistics(rng):
    x = rng.normal(3, 2, size=(100, 3))
    z, mu, sigma = pp.standardize(x)
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=0), 1, atol=1e-12)
    z_test, _, _ = pp.standardize(x[:5], mu, sigma)
    np.testing.assert_allclose(z_test, z[:5])


def test_normalize_min_max():
    x01, low, high = pp.normalize(np.array([[0.0, -1.0], [5.0, 1.0], [10.0, 0.0]]))
    assert x01.tolist() == [[0.0, 0.0], [0.5, 1.0], [1.0, 0.5]]
    assert low.tolist() == [0, -1] and high.tolist() == [10, 1]
    pixels = np.array([[0, 255], [51, 102]], dtype=np.uint8)
    scaled, _, _ = pp.normalize(pixels, 0, 255)
    assert scaled.dtype == np.float32
    np.testing.assert_allclose(scaled, pixels / 255.0, rtol=1e-6)


def test_to_categorical_against_hand_result():
    # y = (2, 0, 1), 4 classes → rows e₂, e₀, e₁ of the 4×4 identity
    expected = [[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]]
    out = pp.to_categorical([2, 0, 1], num_classes=4)
    assert out.dtype == np.float32 and out.tolist() == expected


def test_to_categorical_keras_shape_rules():
    assert pp.to_categorical(np.array([[1], [0]])).shape == (2, 2)  # trailing 1 dropped
    assert pp.to_categorical(np.zeros((2, 3), dtype=int), 5).shape == (2, 3, 5)
    assert pp.to_categorical(np.array([1.0, 2.0])).tolist() == [[0, 1, 0], [0, 0, 1]]
    assert pp.to_categorical([3], dtype="int64").dtype == np.int64


def test_to_categorical_errors():
    with pytest.raises(ValueError, match=r"labels in \[0, 1\]"):
        pp.to_categorical([0, 2], num_classes=2)
    with pytest.raises(ValueError, match="integer class labels"):
        pp.to_categorical([0.5])
    with pytest.raises(ValueError, match="labels in"):
        pp.to_categorical([-1, 0])
