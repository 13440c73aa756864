"""``python -m planner``: the command line."""

import gc
import os
import sys

# When it builds its first validator, pydantic reads the entry points of every installed
# distribution to find plugins (about 6 ms of each start); the command line uses none. A
# PYDANTIC_DISABLE_PLUGINS given in the environment, even empty, is left as it is.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

# Start-up (the imports, pydantic building the plan's validator) makes long-lived objects and
# next to no garbage, so the collector's passes over them, and its last pass at exit, are spent
# for nothing: 93 of the 1,123 million instructions of ``kpis``. The quick commands, which read
# a few plan files, run without them; the others (analyses, exports, sign-off) collect as usual
# once the command line is imported.
gc.disable()

from planner.cli import CORE_COMMANDS, main  # noqa: E402

quick = sys.argv[1] in CORE_COMMANDS if len(sys.argv) > 1 else False
if not quick:
    gc.enable()
status = main()
if quick:
    gc.freeze()  # at exit, nothing is left to collect: the process's memory goes back at once
sys.exit(status)
