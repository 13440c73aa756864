"""``python -m planner.model`` (scripts/start): compile the batch kernel, or load it from its
disk cache, on a batch of one plan before the first person runs a batch."""

from pathlib import Path

from planner.model.batch import Batch
from planner.model.kpis import batch_key_figures
from planner.plan.files import load

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "acme-reseller.yaml"

batch_key_figures(Batch.from_plans([load(EXAMPLE)]))
