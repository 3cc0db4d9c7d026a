"""``python -m supportmatrix``: the same CLI as the ``supportmatrix`` command."""

from supportmatrix.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
