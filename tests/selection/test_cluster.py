"""Folds run on a real Dask LocalCluster (2 worker processes) and on a local Ray instance give
the same tables as the run in this process, for the same seeds. Dask and Ray are the 'cluster'
extra, which 'all' includes: missing in CI is a failure, not a skip."""

from __future__ import annotations

import pytest

from tests.conftest import _oracle

_oracle("sklearn")

from sklearn.datasets import make_classification  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GridSearchCV, RepeatedStratifiedKFold  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from neurona.selection import compare_models, execution  # noqa: E402
from neurona.sklearn import NeuronaClassifier  # noqa: E402

CV = RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=0)


def _models():
    net = NeuronaClassifier(hidden_layer_sizes=(8,), epochs=4, learning_rate=0.01)
    return {
        "net": make_pipeline(StandardScaler(), net),
        "LR": make_pipeline(StandardScaler(), LogisticRegression()),
    }


def _grid():
    net = NeuronaClassifier(epochs=3, learning_rate=0.01, random_state=0)
    return GridSearchCV(net, {"hidden_layer_sizes": [(4,), (8, 8)]}, cv=3, n_jobs=-1)


@pytest.fixture(scope="module")
def local():
    X, y = make_classification(90, n_features=6, n_informative=4, class_sep=1.5, random_state=2)
    return X, y, compare_models(_models(), X, y, cv=CV, seed=3)


def _same(study, reference):
    for name in reference.results:
        assert study[name].table() == reference[name].table(), name
    assert study.auc_table() == reference.auc_table()


def test_dask_local_cluster_equals_the_local_run(local):
    distributed = _oracle("distributed")
    X, y, reference = local
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        # a cluster object (or its address string) as address: neurona opens and closes a Client
        _same(
            compare_models(_models(), X, y, cv=CV, seed=3, backend="dask", address=cluster),
            reference,
        )
        with distributed.Client(cluster) as client:  # the caller's default Client
            with execution(backend="dask"):
                _same(compare_models(_models(), X, y, cv=CV, seed=3), reference)
                # a parameter search goes to the cluster through the same joblib switch
                grid = _grid().fit(X, y)
            assert len(client.scheduler_info()["workers"]) == 2
    here = _grid().set_params(n_jobs=1).fit(X, y)
    assert list(grid.cv_results_["mean_test_score"]) == list(here.cv_results_["mean_test_score"])


def test_local_ray_instance_equals_the_local_run(local):
    ray = _oracle("ray")
    X, y, reference = local
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        _same(compare_models(_models(), X, y, cv=CV, seed=3, backend="ray", n_jobs=2), reference)
    finally:
        ray.shutdown()
