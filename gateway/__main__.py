"""``python -m gateway <role>``: the same entry point as the ``zapgate`` command."""

from gateway.cli import main

if __name__ == "__main__":
    main()
