"""``python -m neurona`` hands over to the ``neurona`` command (``neurona.cli.main``)."""

import sys

from neurona.cli import main

if __name__ == "__main__":
    sys.exit(main())
