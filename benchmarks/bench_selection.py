"""Scaling-out benchmark (issue 14, "Measured, not asserted"): wall time of R repetitions of
stratified 5-fold cross-validation of the breast-cancer-study's deep network (3 × 102 ReLU,
L1 + L2, 100 epochs of batches of 16, StandardScaler inside each fold) on Breast Cancer
Coimbra, run three ways with the same seeds:

1. ``n_jobs=1``: every fit in this process, one after another;
2. ``n_jobs=2``: joblib's local pool of 2 worker processes (loky);
3. ``backend="dask"``: a Dask ``LocalCluster`` of 2 worker processes, 1 thread each (its start
   is timed apart).

It prints the seconds of each, the machine's load average before and after (the machine may be
shared), and whether the three AUC tables are equal (they must be: the same per-fold seeds).

Run:
    .venv/bin/python benchmarks/bench_selection.py [--repeats 100] [--folds 5]
"""

from __future__ import annotations

import argparse
import os
import time

from sklearn.model_selection import RepeatedStratifiedKFold

from neurona.datasets import load_breast_cancer_coimbra
from neurona.labs.breast_cancer_study import models
from neurona.selection import compare_models


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=100)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--modes", default="1,2,dask", help="comma-separated: 1, 2, dask")
    args = parser.parse_args()
    X, y = load_breast_cancer_coimbra()
    X = X.astype("float64")
    deep = {"DL": models()["DL"]}
    cv = RepeatedStratifiedKFold(n_splits=args.folds, n_repeats=args.repeats, random_state=0)
    print(f"{args.repeats} × {args.folds}-fold CV of the deep network, {os.cpu_count()} CPUs")
    tables = {}
    for mode in args.modes.split(","):
        load = os.getloadavg()
        if mode == "dask":
            from distributed import LocalCluster

            start = time.perf_counter()
            cluster = LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            )
            started = time.perf_counter() - start
            start = time.perf_counter()
            study = compare_models(deep, X, y, cv=cv, backend="dask", address=cluster)
            seconds = time.perf_counter() - start
            cluster.close()
            extra = f" (+ {started:.1f} s to start the cluster)"
        else:
            start = time.perf_counter()
            study = compare_models(deep, X, y, cv=cv, n_jobs=int(mode))
            seconds = time.perf_counter() - start
            extra = ""
        after = os.getloadavg()
        tables[mode] = study.auc_table()
        fits = sum(study["DL"].fit_seconds)
        print(
            f"{mode:>5}: {seconds:7.1f} s{extra}; sum of fit times {fits:.1f} s; load average "
            f"{load[0]:.1f} → {after[0]:.1f}; AUC {tables[mode]['AUC mean'][0]:.4f}"
        )
    first = next(iter(tables.values()))
    print("same AUC table in every mode:", all(t == first for t in tables.values()))


if __name__ == "__main__":
    main()
