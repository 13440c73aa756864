"""``python -m planner``: the command line."""

import os
import sys

# When it builds its first validator, pydantic reads the entry points of every installed
# distribution to find plugins (about 6 ms of each start); the command line uses none. A
# PYDANTIC_DISABLE_PLUGINS given in the environment, even empty, is left as it is.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from planner.cli import main

sys.exit(main())
