"""Where this installation keeps its data: one answer for the app, the store and the CLI.

The data folder is ``PLANNER_DATA_DIR`` when it is set, else the folder ``data`` of the
installation (beside ``app.py``), wherever the command runs: a ``data`` folder in the current
working folder counts for nothing, so ``python -m planner verify`` run in someone else's
folder never takes its signing certificate for this installation's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

DATA_DIR_ENV = "PLANNER_DATA_DIR"
INSTALLATION = Path(__file__).resolve().parent.parent
"""The folder holding ``app.py`` and the ``planner`` package."""
DEFAULT_DATA_DIR = INSTALLATION / "data"


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """``PLANNER_DATA_DIR``, else :data:`DEFAULT_DATA_DIR` (never the working folder's)."""
    env = os.environ if env is None else env
    configured = env.get(DATA_DIR_ENV, "").strip()
    return Path(configured) if configured else DEFAULT_DATA_DIR
