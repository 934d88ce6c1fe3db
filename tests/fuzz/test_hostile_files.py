"""The hostile .neurona files of issue 12, one by one: each is refused with a ModelFileError
(never a raw error) within 1 s and 100 MB, or loads with its weights intact."""

from __future__ import annotations

import io
import json
import math
import os
import stat
import zipfile

import numpy as np
import pytest
from _hostile import (
    MEMORY_BUDGET,
    TIME_BUDGET_S,
    activation_layers,
    huge_npy_header,
    members,
    npz,
    small_model,
    timed_load,
    with_config,
    write_members,
)

from neurona.models import Sequential, load_model
from neurona.models._budget import LOAD_BUDGET
from neurona.models._files import _temp_tag
from neurona.models.serialization import ModelFileError


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "m.neurona"
    small_model().save(path)
    return path


def _refused(path, match, **kwargs):
    outcome, seconds, peak, error = timed_load(path, **kwargs)
    assert outcome == "refused", f"loaded a hostile file: {path}"
    assert seconds < TIME_BUDGET_S and peak < MEMORY_BUDGET, (seconds, peak)
    assert match in str(error), str(error)
    return seconds, peak


def test_twelve_thousand_layers_are_refused_fast(saved, tmp_path):
    def change(config):
        config["config"]["layers"][1:1] = activation_layers(12_000)

    path = with_config(saved, tmp_path / "x.neurona", change)
    assert os.path.getsize(path) < 100_000
    _refused(path, "layers")


def test_the_layer_budget_is_overridable(saved, tmp_path):
    def change(config):
        config["config"]["layers"][1:1] = activation_layers(2500)

    path = with_config(saved, tmp_path / "x.neurona", change)
    _refused(path, "budget={'layers'")
    model = load_model(path, budget={"layers": 3000})
    assert len(model.layers) == 2502


def test_sequential_from_config_is_linear_in_itsactivation_layers(saved, tmp_path):
    import time

    times = []
    for n in (500, 2000):
        config = json.loads(members(saved)["config.json"])["config"]
        config["layers"][1:1] = activation_layers(n)
        best = math.inf
        for _ in range(2):  # CPU time, best of two: other processes on the machine do not count
            start = time.process_time()
            Sequential.from_config(config)
            best = min(best, time.process_time() - start)
        times.append(best)
    assert times[1] < 10 * times[0] + 0.05, times  # 4× the layers: ~4× (quadratic: 16×)


def test_dense_far_larger_than_its_weights_is_refused_before_building(saved, tmp_path):
    def change(config):
        config["config"]["layers"][0]["config"]["batch_shape"] = [None, 8000]
        config["config"]["layers"][1]["config"]["units"] = 8000

    _refused(with_config(saved, tmp_path / "x.neurona", change), "more weight values")


@pytest.mark.parametrize("shape", [[None, 10**12], [None, 10**6, 10**6], [None, 4, 10**7]])
def test_huge_declared_input_is_refused(saved, tmp_path, shape):
    def change(config):
        config["config"]["layers"][0]["config"]["batch_shape"] = shape

    _refused(with_config(saved, tmp_path / "x.neurona", change), "load_model")


def test_a_huge_fixed_batch_size_costs_nothing(saved, tmp_path):
    def change(config):
        config["config"]["layers"][0]["config"]["batch_shape"] = [10**12, 4]

    outcome, seconds, peak, _ = timed_load(with_config(saved, tmp_path / "x.neurona", change))
    assert seconds < TIME_BUDGET_S and peak < MEMORY_BUDGET


def test_npy_header_declaring_ten_billion_values_is_refused(saved, tmp_path):
    items = members(saved)
    items["weights.npz"] = huge_npy_header(items["weights.npz"])
    _refused(write_members(tmp_path / "x.neurona", items), "declares shape")


@pytest.mark.parametrize(
    "header",
    [b"{'descr': '<f4', 'fortran_order': False, 'shape': (3,", b"{'descr': [[[[[", b"\xff" * 40],
)
def test_malformed_npy_header_is_refused(saved, tmp_path, header):
    items = members(saved)
    bad = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header
    items["weights.npz"] = npz(**{"dense/kernel": np.zeros((4, 8), "float32")})
    with zipfile.ZipFile(io.BytesIO(items["weights.npz"]), "a") as zf:
        pass
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("dense/kernel.npy", bad)
    items["weights.npz"] = buffer.getvalue()
    _refused(write_members(tmp_path / "x.neurona", items), "load_model")


def test_deeply_nested_config_is_refused(saved, tmp_path):
    _refused(with_config(saved, tmp_path / "x.neurona", lambda c: "[" * 100_000), "load_model")


def test_a_compressed_weights_bomb_is_refused(saved, tmp_path):
    items = members(saved)
    items["weights.npz"] = npz(**{"dense/kernel": np.zeros(2**24, "float32")})
    path = write_members(tmp_path / "x.neurona", items, deflate=("config.json", "weights.npz"))
    assert os.path.getsize(path) < 200_000
    _refused(path, "inflate")


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda c: c["compile_config"].update(loss={"class_name": "MeanSquaredError"}), ""),
        (lambda c: c["config"]["layers"][1].update(registered_name=["x"]), ""),
        (lambda c: c["compile_config"]["optimizer"]["config"].update(use_ema=-1), ""),
        (lambda c: c["compile_config"].update(loss={"class_name": 3, "config": []}), ""),
        (lambda c: c["config"]["layers"][1]["config"].update(dtype="float16"), "dtype"),
        (lambda c: c["config"]["layers"][1]["config"].update(units=10**9), ""),
        (lambda c: c["weights"][0].update(shape=[10**10]), "declared"),
        (lambda c: c["weights"][0].update(dtype="float16"), "declared"),
        (lambda c: c["weights"][0].update(dtype=["x"]), "declared"),
        (lambda c: c.update(weights={"a": 1}), "weights"),
        (lambda c: c["config"].update(layers=[[]] * 3), ""),
    ],
)
def test_tampered_configs_give_only_model_file_errors(saved, tmp_path, change, match):
    _refused(with_config(saved, tmp_path / "x.neurona", change), match)


def test_fractional_optimizer_step_count_is_refused(saved, tmp_path):
    items = members(saved)
    with np.load(io.BytesIO(items["optimizer.npz"])) as state:
        arrays = {k: state[k] for k in state.files}
    arrays["iterations"] = np.array(2.5)
    items["optimizer.npz"] = npz(**arrays)
    _refused(write_members(tmp_path / "x.neurona", items), "iterations")


def test_bad_load_arguments_are_clear(saved):
    with pytest.raises(TypeError, match="custom_objects"):
        load_model(saved, custom_objects="Dense")
    with pytest.raises(ValueError, match="budget"):
        load_model(saved, budget={"layerz": 3})
    assert set(LOAD_BUDGET) == {"layers", "parameters", "activation", "config_bytes"}


def test_the_unaltered_file_loads_with_its_weights(saved):
    outcome, seconds, peak, loaded = timed_load(saved)
    assert outcome == "loaded" and seconds < TIME_BUDGET_S
    with np.load(io.BytesIO(members(saved)["weights.npz"])) as stored:
        for key, w in zip(stored.files, loaded.get_weights()):
            np.testing.assert_array_equal(stored[key], w)


# ----- saving: permissions, short temporary names, stale temporaries -------------------------
def test_saving_again_keeps_the_file_permissions(tmp_path):
    path = tmp_path / "m.neurona"
    model = small_model()
    model.save(path)
    os.chmod(path, 0o600)
    model.save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    os.chmod(path, 0o640)
    model.save_weights(tmp_path / "m.weights.npz")
    model.save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


def test_new_files_take_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        small_model().save(tmp_path / "m.neurona")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "m.neurona").st_mode) == 0o640


def test_a_name_of_the_longest_legal_length_saves(tmp_path):
    name = "m" * (255 - len(".neurona")) + ".neurona"
    small_model().save(tmp_path / name)
    assert load_model(tmp_path / name).count_params() == 67


def test_stale_temporaries_of_a_killed_save_are_removed(tmp_path):
    path = tmp_path / "m.neurona"
    stale = tmp_path / f"{_temp_tag(str(path))}999999999-0badc0de.tmp"
    stale.write_bytes(b"half a file")
    other = tmp_path / f"{_temp_tag('other.neurona')}999999999-0badc0de.tmp"
    other.write_bytes(b"another file's")
    small_model().save(path)
    assert not stale.exists() and other.exists()


def test_load_model_never_raises_a_raw_error_for_garbage(tmp_path):
    for i, data in enumerate([b"", b"PK\x03\x04", b"\x89HDF\r\n", os.urandom(2000)]):
        path = tmp_path / f"g{i}.neurona"
        path.write_bytes(data)
        with pytest.raises(ModelFileError):
            load_model(path)


def test_a_hostile_keras_file_is_bounded_too(tmp_path):
    """A '.keras' archive (read by models.keras_archive) gets the same budget: its layer count
    and config size before, every weight allocation while it is built."""
    path = tmp_path / "k.keras"
    small_model().save(path)
    items = members(path)

    def tampered(change, name):
        config = json.loads(items["config.json"])
        change(config)
        return write_members(tmp_path / name, {**items, "config.json": json.dumps(config)})

    def dense(config):
        config["config"]["layers"][0]["config"]["batch_shape"] = [None, 8000]
        config["config"]["layers"][1]["config"]["units"] = 8000

    def many(config):
        entry = {"module": "keras.layers", "class_name": "Activation", "registered_name": None}
        config["config"]["layers"][1:1] = [
            {**entry, "config": {"activation": "linear", "name": f"a{i}"}} for i in range(12_000)
        ]

    _refused(tampered(dense, "d.keras"), "more weight values")
    _refused(tampered(many, "m.keras"), "layers")
    assert timed_load(path)[0] == "loaded"
