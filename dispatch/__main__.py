"""``python -m dispatch``: run the dispatch role (see ``dispatch.main``)."""

from dispatch.main import main

if __name__ == "__main__":
    main()
