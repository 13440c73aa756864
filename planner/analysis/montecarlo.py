"""Monte Carlo: draws of the uncertain drivers, all computed as batches of the model.

The ranges come from the plan's optional ``uncertainty`` list (validated in
:mod:`planner.plan.ranges`): ``{path, distribution: triangular, low, likely, high}`` or
``{path, distribution: uniform, low, high}``. Draws come from a seeded
:func:`numpy.random.default_rng` (same seed, same plan: same result), are rounded for integer
drivers and kept within the driver's valid range, and are evaluated in chunks of
``CHUNK`` plans so that 100,000 draws stay within memory. A zero-width range (low = high)
reproduces the base plan exactly.

Percentiles skip undefined values (reported as the ``defined`` share), except payback: a payback
never reached counts as later than any month, so a percentile beyond the horizon is ``None``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from planner import model, privacy
from planner.analysis import DEFAULT_DRAWS as DEFAULT_DRAWS
from planner.analysis import AnalysisError
from planner.analysis.drivers import Array, driver
from planner.analysis.figures import figure_array
from planner.plan.schema import Plan, Uncertainty

MAX_DRAWS = 1_000_000
CHUNK = 16_384
"""Draws per batch of plans. :func:`planner.model.batch_key_figures` computes their figures
without keeping monthly columns (the compiled kernel, one pass per plan; with actuals the
model's blocks); only the figures reported are kept (8 per draw): memory grows with the draws
by those figures."""
BINS = 30
RESULT_FIGURES: tuple[str, ...] = tuple(
    f"{side}.{name}"
    for side in ("partner", "vendor")
    for name in ("npv", "irr", "payback_month", "peak_funding")
)
PERCENTILES = (10, 50, 90)


def check_draws(draws: int) -> int:
    """``draws`` if within 1 to 1,000,000, else :class:`AnalysisError`."""
    if not 1 <= draws <= MAX_DRAWS:
        raise AnalysisError(f"draws: {draws} is not within 1 to {MAX_DRAWS:,}")
    return draws


@dataclass(frozen=True)
class MonteCarlo:
    """Summary of the draws; ``samples`` keeps each figure per draw (for charts)."""

    draws: int
    seed: int | None
    ranges: list[dict[str, Any]]
    percentiles: dict[str, dict[str, float | None]]
    probability_payback: float
    """Share of draws in which the partner pays back within the horizon."""
    probability_mutual: float
    """Share of draws in which both sides' NPV is positive."""
    histograms: dict[str, dict[str, list[float] | list[int]]]
    samples: dict[str, Array] = field(repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "draws": self.draws,
            "seed": self.seed,
            "uncertainty": self.ranges,
            "percentiles": self.percentiles,
            "probability_payback": self.probability_payback,
            "probability_mutual": self.probability_mutual,
            "histograms": self.histograms,
        }


def draw_values(
    plan: Plan, ranges: Sequence[Uncertainty], draws: int, rng: np.random.Generator
) -> dict[str, Array]:
    """The drawn value of every uncertain driver, shape ``(draws,)``, valid for the driver."""
    values: dict[str, Array] = {}
    for entry in ranges:
        item = driver(plan, entry.path)
        if entry.low == entry.high:
            drawn = np.full(draws, entry.low)
        elif entry.distribution == "uniform":
            drawn = rng.uniform(entry.low, entry.high, draws)
        else:
            likely = entry.low if entry.likely is None else entry.likely
            drawn = rng.triangular(entry.low, likely, entry.high, draws)
        values[entry.path] = item.clamp(drawn)
    return values


def _percentiles(values: Array, month: bool) -> dict[str, float | None]:
    """``p10``, ``p50`` and ``p90`` of the draws (one partition of them for all three)."""
    if month:  # never paid back counts as later than every month; a percentile is a month
        later = np.where(np.isnan(values), np.inf, values)
        found = np.percentile(later, PERCENTILES, method="inverted_cdf")
    else:
        defined = values[np.isfinite(values)]
        found = np.percentile(defined, PERCENTILES) if defined.size else np.full(3, math.nan)
    return {
        f"p{q}": float(value) if math.isfinite(value) else None
        for q, value in zip(PERCENTILES, found.tolist(), strict=True)
    }


def _histogram(values: Array, bins: int) -> dict[str, list[float] | list[int]]:
    defined = values[np.isfinite(values)]
    if defined.size == 0:
        return {"edges": [], "counts": []}
    counts, edges = np.histogram(defined, bins=bins)
    return {"edges": edges.tolist(), "counts": counts.tolist()}


def run(
    plan: Plan,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = None,
    ranges: Sequence[Uncertainty] | None = None,
    chunk: int = CHUNK,
    bins: int = BINS,
    audience: str | None = None,
    actuals: Mapping[str, Array] | None = None,
) -> MonteCarlo:
    """Draw ``draws`` plans from the ranges (default: the plan's ``uncertainty``) and summarise.

    With ``audience`` (:mod:`planner.privacy`) the ranges of drivers hidden from it are left
    out: those drivers keep their values, so the spread tells nothing of their ranges.
    ``actuals`` (column -> ``(1, N)`` array, ``nan`` where unknown) runs every draw from the
    actual state: the months with actuals are what happened whatever the draw.
    """
    check_draws(draws)
    if audience is not None:
        shown = privacy.view(plan, audience)
        plan = privacy.analysis_plan(plan, audience)
        if ranges is not None:
            ranges = [entry for entry in ranges if not shown.is_hidden(entry.path)]
    ranges = list(plan.uncertainty or []) if ranges is None else list(ranges)
    if not ranges:
        raise AnalysisError(
            "uncertainty: the plan has no uncertain drivers (add an uncertainty list)"
        )
    rng = np.random.default_rng(seed)
    drawn = draw_values(plan, ranges, draws, rng)
    samples = {name: np.empty(draws) for name in RESULT_FIGURES}
    base = model.Batch.from_plans([plan])
    for start in range(0, draws, chunk):
        stop = min(draws, start + chunk)
        batch = base.repeat(stop - start)
        for path, values in drawn.items():
            batch = batch.set(path, values[start:stop])
        given = {
            k: np.broadcast_to(v, (stop - start, batch.months)) for k, v in (actuals or {}).items()
        }
        figures = model.batch_key_figures(batch, given or None)
        for name in RESULT_FIGURES:
            samples[name][start:stop] = figure_array(figures, name)
    mutual = (samples["partner.npv"] > 0) & (samples["vendor.npv"] > 0)
    percentiles = {
        name: {
            **_percentiles(values, name.endswith("payback_month")),
            "defined": float(np.isfinite(values).mean()),
        }
        for name, values in samples.items()
    }
    samples["mutual"] = mutual.astype(np.float64)
    return MonteCarlo(
        draws=draws,
        seed=seed,
        ranges=[entry.model_dump(exclude_none=True) for entry in ranges],
        percentiles=percentiles,
        probability_payback=float(np.isfinite(samples["partner.payback_month"]).mean()),
        probability_mutual=float(mutual.mean()),
        histograms={name: _histogram(samples[name], bins) for name in RESULT_FIGURES},
        samples=samples,
    )
