"""Side package: data for the course, as NumPy arrays (float32 features). Toy sets, the real
tables shipped with neurona (licences in ``data/LICENSES.md``), MNIST and Fashion-MNIST from
IDX files, and the helpers that prepare data. Nothing downloads at import or test time.

    >>> from neurona import datasets
    >>> X, y = datasets.xor(); X.dtype, y.tolist()
    (dtype('float32'), [0, 1, 1, 0])
"""

from neurona.datasets import (  # Keras's datasets.X.load_data()
    boston_housing,
    cifar10,
    fashion_mnist,
    imdb,
    mnist,
)
from neurona.datasets.idx import parse_idx, read_idx, write_idx
from neurona.datasets.mnist import cache_dir, find_dataset, load_fashion_mnist, load_mnist
from neurona.datasets.preprocessing import (
    Standardizer,
    normalize,
    standardize,
    to_categorical,
    train_test_split,
)
from neurona.datasets.tabular import (
    TabularData,
    load_boston_housing,
    load_breast_cancer_coimbra,
    load_breast_cancer_wisconsin,
    load_crypto_prices,
    load_diabetes,
    load_digits,
)
from neurona.datasets.timeseries import timeseries_windows
from neurona.datasets.toy import (
    and_,
    logic_gate,
    make_circles,
    make_gaussians,
    make_moons,
    make_regression_1d,
    make_spirals,
    or_,
    xor,
)

__all__ = [
    "Standardizer",
    "TabularData",
    "and_",
    "cache_dir",
    "find_dataset",
    "load_boston_housing",
    "load_breast_cancer_coimbra",
    "load_breast_cancer_wisconsin",
    "load_crypto_prices",
    "load_diabetes",
    "load_digits",
    "load_fashion_mnist",
    "load_mnist",
    "logic_gate",
    "make_circles",
    "make_gaussians",
    "make_moons",
    "make_regression_1d",
    "make_spirals",
    "normalize",
    "or_",
    "parse_idx",
    "read_idx",
    "standardize",
    "timeseries_windows",
    "to_categorical",
    "train_test_split",
    "write_idx",
    "xor",
    "boston_housing",
    "cifar10",
    "fashion_mnist",
    "imdb",
    "mnist",  # Keras's namespaces: datasets.mnist.load_data()
]
