"""neurona.viz.plot_model (keras.utils.plot_model drawn with matplotlib): the PNG of
Sequential, functional (several inputs and outputs, a shared layer) and subclassed models, the
boxes and arrows computed without drawing, and the errors."""

import numpy as np
import pytest

import neurona as keras
from neurona import layers
from neurona.viz import model_graph

pytest.importorskip("matplotlib")


def _sequential():
    return keras.Sequential(
        [
            keras.Input((4,)),
            layers.Dense(8, activation="relu", name="h"),
            layers.Dropout(0.1),
            layers.Dense(2, name="out"),
        ]
    )


def _functional():
    a, b = keras.Input((3,), name="a"), keras.Input((3,), name="b")
    shared = layers.Dense(4, activation="relu", name="shared")
    x, y = shared(a), shared(b)
    merged = layers.Concatenate(name="merge")([x, y])
    return keras.Model([a, b], [layers.Dense(1, name="o1")(merged), layers.Dense(2, name="o2")(y)])


class _Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(5, activation="tanh", name="hidden")
        self.head = layers.Dense(1, name="head")

    def call(self, x):
        return self.head(self.hidden(x))


def _subclassed():
    model = _Subclassed()
    model(np.ones((2, 3), dtype="float32"))
    return model


def _check_png(path):
    import matplotlib.image

    assert path.is_file() and path.stat().st_size > 0
    pixels = matplotlib.image.imread(str(path))
    assert pixels.ndim == 3 and (pixels[..., :3] < 0.9).any()  # something drawn on white


@pytest.mark.parametrize("make", [_sequential, _functional, _subclassed])
@pytest.mark.parametrize("rankdir", ["TB", "LR"])
def test_png_is_written(tmp_path, make, rankdir):
    path = tmp_path / "model.png"
    result = keras.utils.plot_model(
        make(),
        to_file=str(path),
        show_shapes=True,
        show_dtype=True,
        show_layer_activations=True,
        show_trainable=True,
        rankdir=rankdir,
        dpi=60,
    )
    _check_png(path)
    try:
        import IPython  # noqa: F401
    except ImportError:
        assert result is None


def test_other_formats_follow_the_extension(tmp_path):
    keras.utils.plot_model(_sequential(), to_file=str(tmp_path / "m.svg"))
    assert (tmp_path / "m.svg").read_text().lstrip().startswith("<?xml")


def test_sequential_is_a_chain():
    model = _sequential()
    boxes, edges = model_graph(model, show_shapes=True, show_layer_activations=True)
    names = [layer.name for layer in model.layers]
    assert list(boxes) == names and len(names) == 3
    assert edges == list(zip(names[:-1], names[1:]))
    assert boxes["h"].splitlines() == [
        "h (Dense)",
        "Input shape: (None, 4)",
        "Output shape: (None, 8)",
        "Activation: relu",
    ]


def test_functional_has_one_box_per_layer_and_each_connection_once():
    model = _functional()
    boxes, edges = model_graph(model, show_shapes=True)
    assert list(boxes) == [layer.name for layer in model.layers]  # a, b, shared, merge, o1, o2
    assert sorted(edges) == sorted(
        [("a", "shared"), ("b", "shared"), ("shared", "merge"), ("merge", "o1"), ("shared", "o2")]
    )
    assert "Input shape: [(None, 4), (None, 4)]" in boxes["merge"]
    assert boxes["a"].splitlines()[0] == "a (InputLayer)"


def test_subclassed_is_the_chain_of_its_layers():
    boxes, edges = model_graph(_subclassed(), show_layer_names=False, show_trainable=True)
    assert list(boxes.values()) == ["Dense\nTrainable: True"] * 2
    assert edges == [("hidden", "head")]


def test_bad_rankdir_raises(tmp_path):
    with pytest.raises(ValueError, match="rankdir"):
        keras.utils.plot_model(_sequential(), to_file=str(tmp_path / "m.png"), rankdir="BT")


def test_unknown_keyword_raises(tmp_path):
    with pytest.raises(ValueError, match="unrecognized"):
        keras.utils.plot_model(_sequential(), to_file=str(tmp_path / "m.png"), colour="red")


def test_unbuilt_model_raises_a_clear_error(tmp_path):
    model = keras.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match="not been built"):
        keras.utils.plot_model(model, to_file=str(tmp_path / "m.png"))
    assert not (tmp_path / "m.png").exists()
