"""kill -9 during model.save, again and again (issue 12): the file on disk is always the old
model or the new one, never neither; the temporaries a killed save leaves are removed by the
next save of that file. A forked child saves in a loop and is killed at random moments."""

from __future__ import annotations

import os
import signal
import sys
import time

import numpy as np
import pytest
from _hostile import FUZZ_COUNTS

from neurona import layers
from neurona.models import Sequential, load_model

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")


def _model(value: float) -> Sequential:
    model = Sequential([layers.Input((256,)), layers.Dense(512), layers.Dense(1)])
    model.set_weights([np.full(w.shape, value, w.dtype) for w in model.get_weights()])
    return model


def _saving_forever(model, path) -> None:
    try:
        while True:
            model.save(path)
    finally:
        os._exit(0)


def test_kill_9_during_save_leaves_the_old_or_the_new_file(tmp_path):
    path = tmp_path / "m.neurona"
    models = [_model(1.0), _model(2.0)]
    models[0].save(path)
    rng = np.random.default_rng(0)
    before = 1.0
    for kill in range(24):
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:  # the child: save the other model until killed
            _saving_forever(models[(kill + 1) % 2], path)
        time.sleep(float(rng.uniform(0.002, 0.04)))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        value = float(load_model(path, compile=False).get_weights()[0].flat[0])
        assert value in (1.0, 2.0)
        temporaries = [p for p in os.listdir(tmp_path) if p.startswith(".nrtmp-")]
        outcome = "old file" if value == before else "new file"
        left = "a temporary left" if temporaries else "no temporary left"
        FUZZ_COUNTS["kill -9 during save"][f"{outcome}, {left}"] += 1
        before = value
    models[0].save(path)  # the next save removes what the killed ones left
    assert os.listdir(tmp_path) == ["m.neurona"]
    assert float(load_model(path).get_weights()[0].flat[0]) == 1.0
