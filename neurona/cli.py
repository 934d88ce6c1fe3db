"""Side: the ``neurona`` command (argparse). ``neurona demo`` trains a small network on XOR with
the autodiff engine and prints the loss falling and the four predictions."""

from __future__ import annotations

import argparse
import sys


def _demo(args: argparse.Namespace) -> int:
    from neurona.labs import xor_autodiff

    print("neurona demo: a 2-4-1 network learns XOR with reverse-mode autodiff")
    result = xor_autodiff.run(epochs=args.epochs, seed=args.seed,
                              report_every=max(args.epochs // 10, 1))
    print("\n x1 x2 | target | prediction")
    for (x1, x2), y, p in zip(xor_autodiff.X, xor_autodiff.Y, result.predictions):
        print(f"  {int(x1)}  {int(x2)} |   {int(y[0])}    |   {p[0]:.3f}")
    solved = ((result.predictions > 0.5).astype(int) == xor_autodiff.Y).all()
    print(f"\nloss {result.losses[0]:.4f} -> {result.losses[-1]:.4f}; XOR solved: {bool(solved)}")
    return 0 if solved else 1


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``neurona`` command.

    Example:
        >>> build_parser().parse_args(["demo", "--epochs", "10"]).epochs
        10
    """
    parser = argparse.ArgumentParser(prog="neurona", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    demo = sub.add_parser("demo", help="train a small network on XOR and print the result")
    demo.add_argument("--epochs", type=int, default=2000, help="gradient steps (default 2000)")
    demo.add_argument("--seed", type=int, default=1, help="seed of the initial weights")
    demo.set_defaults(handler=_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``neurona`` command; with no sub-command it runs ``demo``.

    Example:
        >>> main(["demo", "--epochs", "1500"])  # doctest: +ELLIPSIS
        neurona demo: ...
        0
    """
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.command is None:
        args = parser.parse_args(["demo"])
    return args.handler(args)
