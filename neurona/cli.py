"""Side: the ``neurona`` command (argparse).

    neurona demo                 a 2-8-1 network learns XOR with the autodiff engine (offline)
    neurona labs                 the course labs, one line each
    neurona lab NAME [--epochs N] [--out DIR] [--seed S] [--fast] [--quiet] [--lang es]
    neurona info                 versions, optional extras, BLAS, where the data sets are

Exit codes: 0 done, 1 a lab failed (or the demo did not solve XOR), 2 bad arguments,
130 interrupted (Ctrl-C), 141 the reader of the output left (a broken pipe).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import traceback
from pathlib import Path

from neurona.errors import DataFileError

__all__ = ["build_parser", "info_lines", "main"]

DEMO_FOLDER = Path("neurona-reports") / "demo"


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _out_refused(out: object, where: str) -> bool:
    """Check ``--out`` before any training (an empty name, a file, an unwritable folder)."""
    from neurona.labs._report import check_out

    try:
        check_out(out, where)
    except ValueError as error:
        _err(f"{error} (--out)")
        return True
    return False


def _demo(args: argparse.Namespace) -> int:
    from neurona.labs import xor_autodiff

    out = DEMO_FOLDER if args.out is None else args.out
    if _out_refused(out, "neurona demo"):
        return 2
    print("neurona demo: the xor-autodiff lab (`neurona labs` lists the others)")
    results = xor_autodiff.run(epochs=args.epochs, out=out, seed=args.seed, fast=args.fast)
    return 0 if results["solved"] else 1


def _labs(args: argparse.Namespace) -> int:
    from neurona import labs

    available = labs.available()
    width = max(map(len, available), default=0)
    print("The course labs (run one with: neurona lab NAME [--fast]):")
    for name, description in available.items():
        print(f"  {name:<{width}}  {description}")
    return 0


def _lab(args: argparse.Namespace) -> int:
    from neurona import labs

    try:
        lab = labs.get(args.name)
    except ValueError as error:
        _err(f"neurona lab: {error}")
        return 2
    if _out_refused(args.out, f"neurona lab {args.name}"):
        return 2
    options = _lab_options(lab, args)
    if options is None:
        return 2
    try:
        lab.run(epochs=args.epochs, out=args.out, seed=args.seed, fast=args.fast, **options)
    except FileNotFoundError as error:  # the loaders' messages say where to put the files
        _err(f"neurona lab {args.name}: missing data: {error}")
        return 1
    except ImportError as error:  # an optional extra; the message says what to install
        _err(f"neurona lab {args.name}: missing package: {error}")
        return 1
    except DataFileError as error:  # a damaged data set file: the message says what to do
        _err(f"neurona lab {args.name}: damaged data: {error}")
        return 1
    except BrokenPipeError:  # handled by main (the reader of our output left)
        raise
    except Exception:  # a bug in the lab: show where, but keep the exit code of a failure
        traceback.print_exc()
        _err(f"neurona lab {args.name}: failed (the traceback above says where).")
        return 1
    folder = Path(args.out) if args.out else Path("neurona-reports") / lab.NAME
    if not args.quiet and folder.is_dir():
        print(f"{_text('report folder')}: {folder.resolve()}")
    return 0


def _text(key: str) -> str:
    from neurona.i18n import text

    return text(key)


def _lab_options(lab: object, args: argparse.Namespace) -> dict | None:
    """The lab's own options from the command line: ``print_fn`` (None with --quiet), the
    language (NEURONA_LANG) and ``coin`` for the labs that take it; None after an error."""
    import inspect

    if args.lang:
        os.environ["NEURONA_LANG"] = args.lang
    options: dict = {"print_fn": None} if args.quiet else {}
    if args.coin is not None:
        if "coin" not in inspect.signature(lab.run).parameters:
            _err(f"neurona lab {args.name}: this lab takes no --coin (the crypto-* labs do).")
            return None
        options["coin"] = args.coin
    for option in ("repeats", "n_jobs", "backend", "address"):  # the studies' own options
        value = getattr(args, option)
        if value is None:
            continue
        if option not in inspect.signature(lab.run).parameters:
            flag = "--" + option.replace("_", "-")
            _err(f"neurona lab {args.name}: this lab takes no {flag} (breast-cancer-study does).")
            return None
        options[option] = value
    return options


# the optional extras of pyproject.toml and the distributions each one brings
_EXTRAS = {
    "plot": ("matplotlib",),
    "fast": ("threadpoolctl",),  # now a dependency; the extra stays for old commands
    "progress": ("tqdm",),
    "data": ("scikit-learn", "pandas"),
    "cluster": ("dask", "distributed", "ray"),
    "oracles": ("torch", "keras", "jax"),
}


def _version(distribution: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _blas_lines() -> list[str]:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ['  (install threadpoolctl to see the BLAS: pip install "neurona[fast]")']
    pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    return [
        f"  {p.get('internal_api')} {p.get('version')}, {p.get('num_threads')} threads"
        f" ({p.get('threading_layer', '?')} threading), {p.get('filepath')}"
        for p in pools
    ] or ["  no BLAS library found by threadpoolctl"]


def thread_lines() -> list[str]:
    """What ``neurona info`` says about BLAS threads: the rule fit/evaluate/predict follow, the
    setting in force and, under the automatic rule, what it chooses on this machine now.

    Example:
        >>> lines = thread_lines()
        >>> lines[0].startswith("BLAS threads")
        True
    """
    from neurona.models.threads import SMALL_STEP_WORK, choose_blas_threads

    setting = os.environ.get("NEURONA_BLAS_THREADS", "auto").strip().lower() or "auto"
    if _version("threadpoolctl") is None:
        return [
            "BLAS threads: threadpoolctl is missing, so fit cannot choose them and BLAS uses"
            " its own count (reinstall neurona: threadpoolctl is one of its dependencies)"
        ]
    if setting != "auto":
        chosen = "BLAS is left alone" if setting in ("0", "none") else f"{setting} threads"
        return [f"BLAS threads: NEURONA_BLAS_THREADS={setting}: {chosen} in every call"]
    cores = os.cpu_count() or 1
    try:
        load = f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        load = "unknown"
    busy = choose_blas_threads(256, SMALL_STEP_WORK) == 1  # a large step: 1 only when busy
    now = (
        "busy: every step runs on 1 thread (extra BLAS threads would wait for each other)"
        if busy
        else "not busy: large steps use BLAS's own threads"
    )
    return [
        f"BLAS threads: automatic (NEURONA_BLAS_THREADS=auto): 1 thread for steps under"
        f" {SMALL_STEP_WORK:,} multiply-adds (batch size x weights) and whenever the machine"
        f" is busy (1-minute load >= cores + 1); otherwise BLAS's own count",
        f"  now: load {load} on {cores} cores, {now}",
    ]


def info_lines() -> list[str]:
    """What ``neurona info`` prints: versions, extras, BLAS, dtype and the data sets found.

    Example:
        >>> lines = info_lines()
        >>> lines[0].startswith("neurona ") and any("float dtype" in line for line in lines)
        True
    """
    import shutil
    from importlib.util import find_spec

    import numpy as np

    import neurona
    from neurona.datasets import cache_dir, find_dataset

    lines = [
        f"neurona {neurona.__version__} ({Path(neurona.__file__).parent})",
        f"Python {platform.python_version()} ({platform.python_implementation()}, "
        f"{platform.system()} {platform.machine()})",
        f"NumPy {np.__version__}",
        f"float dtype: {neurona.floatx()}",
        "array module: NumPy"
        + (
            " (CuPy found: used for arrays on a GPU)"
            if find_spec("cupy")
            else " (CuPy not installed: CPU only)"
        ),
        "optional extras:",
    ]
    for extra, distributions in _EXTRAS.items():
        found = [f"{d} {_version(d)}" if _version(d) else f"{d} missing" for d in distributions]
        lines.append(f"  {extra:<9} {', '.join(found)}")
    dot = shutil.which("dot")
    lines.append(f"  graphviz  {dot or 'missing (graphs are drawn with matplotlib instead)'}")
    lines.append("BLAS:")
    lines += _blas_lines()
    lines += thread_lines()
    lines.append("data sets:")
    for name in ("fashion-mnist", "mnist"):
        files = find_dataset(name)
        where = (
            str(Path(next(iter(files.values()))).parent)
            if files
            else f"not found: put its 4 IDX files in $NEURONA_DATA/{name}/ or {cache_dir()}/"
            f"{name}/"
            + (" (or apt install dataset-fashion-mnist)" if name == "fashion-mnist" else "")
        )
        lines.append(f"  {name:<14}{where}")
    return lines


def _info(args: argparse.Namespace) -> int:
    for line in info_lines():
        print(line)
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``neurona`` command.

    Example:
        >>> args = build_parser().parse_args(["lab", "perceptron", "--fast", "--seed", "3"])
        >>> args.name, args.fast, args.seed, args.epochs
        ('perceptron', True, 3, None)
    """
    parser = argparse.ArgumentParser(
        prog="neurona",
        description="The neural networks of the "
        "course: a demo, the course labs and installation info.",
        epilog="Exit codes: 0 done, 1 a lab failed, 2 bad arguments.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser("demo", help="a 2-8-1 network learns XOR with the autodiff engine")
    demo.add_argument(
        "--epochs", type=_positive, default=None, help="gradient steps (default 1000)"
    )
    demo.add_argument("--seed", type=int, default=0, help="seed of the initial weights")
    demo.add_argument("--out", default=None, help=f"report folder (default {DEMO_FOLDER})")
    demo.add_argument("--fast", action="store_true", help="fewer epochs (300)")
    demo.set_defaults(handler=_demo)
    labs = sub.add_parser("labs", help="list the course labs")
    labs.set_defaults(handler=_labs)
    lab = sub.add_parser("lab", help="run one lab and write its report folder")
    lab.add_argument("name", metavar="NAME", help="a lab name (see: neurona labs)")
    lab.add_argument("--epochs", type=_positive, default=None, help="epochs (the lab's default)")
    lab.add_argument("--out", default=None, help="report folder (default neurona-reports/NAME)")
    lab.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    lab.add_argument("--fast", action="store_true", help="a few seconds: fewer epochs or data")
    lab.add_argument("--quiet", action="store_true", help="print nothing (no progress bar)")
    lab.add_argument(
        "--lang", choices=("en", "es"), default=None, help="text and plots in English or Spanish"
    )
    lab.add_argument("--coin", choices=("btc", "eth"), default=None, help="crypto labs' coin")
    lab.add_argument(
        "--repeats", type=_positive, default=None, help="repetitions of k-fold (studies)"
    )
    lab.add_argument(
        "--n-jobs", type=int, default=None, help="fits at once: worker processes (-1: all cores)"
    )
    lab.add_argument(
        "--backend", choices=("local", "dask", "ray"), default=None, help="where the fits run"
    )
    lab.add_argument("--address", default=None, help="the Dask scheduler's or Ray's address")
    lab.set_defaults(handler=_lab)
    info = sub.add_parser("info", help="versions, extras, BLAS and where the data sets are")
    info.set_defaults(handler=_info)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``neurona`` command and return its exit code; with no sub-command, the help.

    Example:
        >>> main(["labs"])  # doctest: +ELLIPSIS
        The course labs (run one with: neurona lab NAME [--fast]):
        ...
        0
    """
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.command is None:  # a plain `neurona` explains itself and writes nothing
        parser.print_help()
        return 0
    try:
        code = args.handler(args)
        sys.stdout.flush()  # a reader that left shows up here, not at interpreter exit
        return code
    except KeyboardInterrupt:  # Ctrl-C: one line, the shell's code for SIGINT (128 + 2)
        _err(f"neurona {args.command}: interrupted (Ctrl-C); no report was replaced.")
        return 130
    except BrokenPipeError:  # `neurona demo | head`: the reader left; stop quietly (128 + 13)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
