"""Floor 5: weights in Keras 3's HDF5 layout (the ``.weights.h5`` file, and ``model.weights.h5``
inside a ``.keras`` archive), written and read with h5py (the optional extra ``neurona[h5]``).

Keras 3 walks the model and stores each object's own variables in a group ``<path>/vars`` as
datasets named ``0``, ``1``, …, where the path names each object by its *class* in snake case,
numbered among its siblings, never by its (changeable) layer name::

    vars                                      the model's own variables (usually none)
    layers/dense/vars/0, …/1                  Dense: kernel, bias
    layers/dense_1/vars/…                     the second Dense
    layers/batch_normalization/vars/0 … 3     gamma, beta, moving_mean, moving_variance
    layers/lstm/vars                          (empty) …
    layers/lstm/cell/vars/0 … 2               … the recurrent layers keep theirs in a cell
    layers/bidirectional/forward_layer/cell/vars/…, …/backward_layer/cell/vars/…
    layers/time_distributed/layer/vars/…
    layers/sequential/layers/dense/vars/…     a nested model
    optimizer/vars/0, 1, 2, …                 iterations, learning_rate, then the slots

A layer's own variables come trainable first, then non-trainable, each in creation order (Keras's
``save_own_variables``). Reading is safe with files from anywhere: only plain groups and numeric
datasets are accepted (no links, external or virtual storage), every name and shape is checked
against the model before any array is read, and nothing is written until all of it fits.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.layers._naming import snake_case
from neurona.models.serialization import ModelFileError

__all__ = ["keras_weight_paths", "write_weights_h5", "read_weights_h5", "import_h5py"]


def import_h5py(where: str) -> Any:
    """h5py, or an ImportError saying how to install it.

    Example:
        >>> import_h5py("example").__name__
        'h5py'
    """
    try:
        import h5py
    except ImportError:
        raise ImportError(
            f"{where}: Keras's HDF5 files need h5py. Install it with "
            "pip install 'neurona[h5]' (or pip install h5py), or use neurona's own "
            "formats ('….neurona', '….weights.npz'), which need nothing more."
        ) from None
    return h5py


def _own(layer: Any) -> list:
    """A layer's own weights in Keras's order: trainable ones, then the others."""
    pairs = list(zip(layer._weights, layer._weight_trainable))
    return [w for w, t in pairs if t] + [w for w, t in pairs if not t]


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def _children(obj: Any) -> list:
    """(attribute name, child) pairs in the order Keras 3's saving walk visits them."""
    from neurona.layers import Bidirectional, Layer, TimeDistributed
    from neurona.layers.rnn import RecurrentLayer
    from neurona.models.model import Model

    if isinstance(obj, Model) and (hasattr(obj, "_nodes") or hasattr(obj, "pop")):
        return [("layers", list(obj.layers))]  # Sequential and Functional: their layers
    if isinstance(obj, Bidirectional):
        return [("backward_layer", obj.backward_layer), ("forward_layer", obj.forward_layer)]
    if isinstance(obj, TimeDistributed):
        return [("layer", obj.layer)]
    if isinstance(obj, RecurrentLayer):
        return []
    attrs = {k: v for k, v in vars(obj).items() if not k.startswith("_")}
    if isinstance(obj, Model):
        attrs["layers"] = list(obj.layers)
    out = []
    for key in sorted(attrs):
        value = attrs[key]
        if isinstance(value, Layer) or (
            isinstance(value, (list, tuple, dict))
            and any(
                isinstance(v, Layer) for v in (value.values() if isinstance(value, dict) else value)
            )
        ):
            out.append((key, value))
    return out


def _class_name(layer: Any) -> str:
    """The snake-case class name Keras names the layer's group by: the class named in the
    Keras file the layer was loaded from (a custom class may be mapped to another one through
    ``custom_objects``), else its own."""
    return snake_case(getattr(layer, "_keras_class_name", None) or type(layer).__name__)


def keras_weight_paths(model: Any) -> list[tuple[str, str, list]]:
    """``(path, object name, own weights)`` for every object Keras 3 would store, in its
    walk order; the weights of ``path`` go to the HDF5 group ``<path>/vars``.

    Example:
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((5, 3)), layers.Dense(4), layers.LSTM(2)])
        >>> [(p, len(w)) for p, _, w in keras_weight_paths(model)]
        [('', 0), ('layers/dense', 2), ('layers/lstm', 0), ('layers/lstm/cell', 3)]
    """
    from neurona.layers import Layer
    from neurona.layers.rnn import RecurrentLayer

    out: list = []
    seen: set = set()

    def visit(obj: Any, path: str) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, RecurrentLayer):
            out.append((path, obj.name, []))
            out.append((_join(path, "cell"), f"{_class_name(obj)}_cell", _own(obj)))
        else:
            out.append((path, obj.name, _own(obj)))
        for attr, child in _children(obj):
            if isinstance(child, Layer):
                visit(child, _join(path, attr))
            else:
                container(child, _join(path, attr))

    def container(items: Any, path: str) -> None:
        used: dict = {}
        for item in items.values() if isinstance(items, dict) else items:
            if not isinstance(item, Layer):
                continue
            base = _class_name(item)
            name = base if base not in used else f"{base}_{used[base] + 1}"
            used[base] = used.get(base, -1) + 1
            visit(item, _join(path, name))

    visit(model, "")
    return out


def write_weights_h5(file: Any, model: Any, optimizer_vars: list | None = None) -> None:
    """Write ``model``'s weights (and, when given, the optimiser's variables as
    ``optimizer/vars``) to ``file`` (a path or a binary file object) in Keras 3's layout.

    Example:
        >>> import io, h5py
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((3,)), layers.Dense(2)])
        >>> buffer = io.BytesIO(); write_weights_h5(buffer, model)
        >>> h5py.File(buffer, "r")["layers/dense/vars/0"].shape
        (3, 2)
    """
    h5py = import_h5py("write_weights_h5")
    with h5py.File(file, "w") as h5:
        for path, name, weights in keras_weight_paths(model):
            group = h5.create_group(_join(path, "vars"))
            group.attrs["name"] = name
            for i, w in enumerate(weights):
                group.create_dataset(str(i), data=np.asarray(w.data))
        if optimizer_vars is not None:
            group = h5.create_group("optimizer/vars")
            group.attrs["name"] = optimizer_vars[0]
            for i, array in enumerate(optimizer_vars[1]):
                group.create_dataset(str(i), data=array)


def _group(h5: Any, path: str, where: str) -> Any:
    """The plain group at ``path`` (hard links only), or None when absent."""
    h5py = import_h5py(where)
    node = h5
    for part in path.split("/"):
        link = node.get(part, getlink=True)
        if link is None:
            return None
        if not isinstance(link, h5py.HardLink):
            raise ModelFileError(
                f"{where}: '{path}' is a {type(link).__name__}; a Keras weights file holds "
                "plain groups only. The file is damaged or hostile."
            )
        node = node[part]
        if not isinstance(node, h5py.Group):
            raise ModelFileError(f"{where}: expected a group at '{path}', found a dataset.")
    return node


def _datasets(group: Any, count: int, where: str, path: str) -> list:
    """The datasets '0' … 'count-1' of a vars group, checked to be plain numeric arrays."""
    h5py = import_h5py(where)
    names = sorted(group.keys(), key=lambda k: (len(k), k))
    if names != [str(i) for i in range(count)]:
        raise ModelFileError(
            f"{where}: '{path}/vars' holds {names}; the model expects {count} weights there "
            f"({[str(i) for i in range(count)]}). Build the same architecture as the saved model."
        )
    out = []
    for name in names:
        if not isinstance(group.get(name, getlink=True), h5py.HardLink):
            raise ModelFileError(f"{where}: '{path}/vars/{name}' is a link; refused.")
        ds = group[name]
        if (
            not isinstance(ds, h5py.Dataset)
            or ds.dtype.kind not in "biuf"
            or ds.is_virtual
            or ds.external
        ):
            raise ModelFileError(
                f"{where}: '{path}/vars/{name}' is not a plain numeric array "
                f"(dtype {getattr(ds, 'dtype', None)}); refused."
            )
        out.append(ds)
    return out


def _all_vars_paths(h5: Any) -> set:
    found: set = set()

    def visit(name: str, obj: Any) -> None:
        if name == "vars" or name.endswith("/vars"):
            if len(obj.keys()):
                found.add(name[: -len("vars")].rstrip("/"))

    h5.visititems(visit)
    return found


def read_weights_h5(file: Any, model: Any, where: str) -> Any:
    """Check, then copy the weights in an HDF5 file of Keras 3's layout into ``model``; returns
    the optimiser's group ('optimizer/vars' as a list of arrays) or None. All or nothing.

    Raises:
        ModelFileError: missing or extra weights, wrong shapes, links, non-numeric data.

    Example:
        >>> import io
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> a = Sequential([layers.Input((3,)), layers.Dense(2)])
        >>> b = Sequential([layers.Input((3,)), layers.Dense(2)])
        >>> buffer = io.BytesIO(); write_weights_h5(buffer, a)
        >>> _ = read_weights_h5(buffer, b, "example")
        >>> bool((a.get_weights()[0] == b.get_weights()[0]).all())
        True
    """
    h5py = import_h5py(where)
    try:
        h5 = h5py.File(file, "r")
    except OSError as error:
        raise ModelFileError(f"{where}: not an HDF5 file ({error}).") from None
    with h5:
        plan, problems, expected = [], [], set()
        for path, _, weights in keras_weight_paths(model):
            expected.add(path)
            group = _group(h5, _join(path, "vars"), where)
            if group is None:
                if weights:
                    problems.append(f"missing '{_join(path, 'vars')}' ({len(weights)} weights)")
                continue
            for w, ds in zip(weights, _datasets(group, len(weights), where, path)):
                if tuple(ds.shape) != tuple(w.shape):
                    problems.append(f"'{path}': file {ds.shape}, model {tuple(w.shape)}")
                plan.append((w, ds))
        extra = sorted(_all_vars_paths(h5) - expected - {"optimizer"})
        if problems or extra:
            raise ModelFileError(
                f"{where}: the file's weights do not fit model '{model.name}': "
                f"{problems}; groups with weights the model does not have: {extra}. Build the "
                "same architecture (layer classes, order and sizes) as the saved model."
            )
        arrays = [(w, np.asarray(ds[()])) for w, ds in plan]
        optimizer = _group(h5, "optimizer/vars", where)
        opt = None
        if optimizer is not None and len(optimizer.keys()):
            found = _datasets(optimizer, len(optimizer), where, "optimizer")
            budget = 4 * sum(int(np.prod(w.shape)) for w in model.weights) + 64
            if sum(ds.size for ds in found) <= budget:  # else: not this model's optimiser
                opt = [np.asarray(ds[()]) for ds in found]
    for w, array in arrays:
        w.data[...] = array
    return opt
