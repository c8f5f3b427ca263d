"""Entry script for the frozen (PyInstaller) build: the same `trustdesk` command as the console script."""

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
