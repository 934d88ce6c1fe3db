"""A lab's report folder is written as one unit (issue 12): files are staged beside the folder
and moved into place only when the lab ends well; an interrupted lab leaves the old report."""

from __future__ import annotations

import json
import os
import signal
import stat
import threading

import numpy as np
import pytest

from neurona import layers
from neurona.labs._report import Report, _interrupts_deferred, check_out
from neurona.models import Sequential


def _write(report: Report, run: int, stop_after: str | None = None) -> None:
    report.write_json("metrics.json", {"run": run})
    if stop_after == "metrics":
        raise KeyboardInterrupt
    model = Sequential([layers.Input((2,)), layers.Dense(1)])
    model.set_weights([np.full((2, 1), run, "float32"), np.zeros(1, "float32")])
    report.save_model(model)
    (report.path("notes.txt")).write_text(f"run {run}")


def _contents(folder) -> dict:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_interrupted_lab_leaves_the_previous_report(tmp_path):
    out = tmp_path / "report"
    with Report("demo", out) as report:
        _write(report, 1)
    before = _contents(out)
    assert json.loads(before["metrics.json"]) == {"run": 1}
    with pytest.raises(KeyboardInterrupt), Report("demo", out) as report:
        _write(report, 2, stop_after="metrics")
    assert _contents(out) == before  # no staging left either
    with Report("demo", out) as report:
        _write(report, 3)
    assert json.loads((out / "metrics.json").read_text()) == {"run": 3}
    assert (out / "notes.txt").read_text() == "run 3"
    assert report.files and all(p.parent == out and p.exists() for p in report.files)


def test_a_report_keeps_unrelated_files_in_its_folder(tmp_path):
    (tmp_path / "mine.txt").write_text("keep")
    with Report("demo", tmp_path) as report:
        report.write_json("metrics.json", {})
    assert (tmp_path / "mine.txt").read_text() == "keep"


def test_stale_staging_of_a_killed_lab_is_removed(tmp_path):
    out = tmp_path / "r"
    stale = out / ".partial-999999999-abcdef"  # a pid that cannot run
    stale.mkdir(parents=True)
    (stale / "metrics.json").write_text("{}")
    with Report("demo", out) as report:
        report.write_json("metrics.json", {})
    assert sorted(p.name for p in out.iterdir()) == ["metrics.json"]


def test_only_the_report_folder_must_be_writable(tmp_path):
    parent = tmp_path / "parent"
    (parent / "r").mkdir(parents=True)
    parent.chmod(0o500)
    try:
        with Report("demo", parent / "r") as report:
            report.write_json("metrics.json", {"a": 1})
    finally:
        parent.chmod(0o700)
    assert json.loads((parent / "r" / "metrics.json").read_text()) == {"a": 1}


def test_report_files_take_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        with Report("demo", tmp_path / "r") as report:
            _write(report, 1)
    finally:
        os.umask(old)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "r").iterdir()}
    assert set(modes.values()) == {0o644}, modes


def test_ctrl_c_is_held_back_while_the_files_are_moved():
    with pytest.raises(KeyboardInterrupt):
        with _interrupts_deferred():
            # to this thread: os.kill may hand the signal to another of the process's threads
            # (JAX's, on a busy machine), whose handler could run after the block has ended
            signal.pthread_kill(threading.get_ident(), signal.SIGINT)
            moved = True  # the block runs to its end first
    assert moved


@pytest.mark.parametrize("out", ["", "   ", 3])
def test_check_out_refuses_no_folder_name(out):
    with pytest.raises(ValueError, match="expected a folder name"):
        check_out(out)


def test_check_out_refuses_a_file_and_an_unwritable_folder(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(ValueError, match="existing file"):
        check_out(tmp_path / "f")
    with pytest.raises(ValueError, match="is a file"):
        check_out(tmp_path / "f" / "sub")
    if os.geteuid() != 0:  # root may write anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(ValueError, match="not writable"):
            check_out(locked / "new")
    check_out(tmp_path / "new" / "deeper")  # to be created: fine


def test_every_lab_writes_its_report_as_one_unit():
    """Each lab that writes a report uses ``with Report(...) as report:`` (staged, atomic)."""
    from pathlib import Path

    import neurona.labs

    folder = Path(neurona.labs.__file__).parent
    plain = [
        p.name
        for p in sorted(folder.glob("*.py"))
        if "Report(" in p.read_text(encoding="utf-8")
        and p.name != "_report.py"
        and "with Report(" not in p.read_text(encoding="utf-8")
    ]
    assert plain == [], f"labs writing their report file by file: {plain}"
