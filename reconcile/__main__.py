"""``python -m reconcile``: the ``reconcile`` command (see :mod:`reconcile.cli`)."""

from reconcile.cli import main

if __name__ == "__main__":
    main()
