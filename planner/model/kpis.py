"""Both sides' key figures of docs/model.md section 4 for a batch of plans (arrays of shape
``(B,)``): from the monthly columns (:func:`key_figures`), or a block at a time without keeping
them (:func:`batch_key_figures`, the compiled kernel where there are no actuals).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from planner import finance
from planner.model.batch import Array, Batch, side_rate
from planner.model.monthly import month_index, simulate, simulate_blocks, yearly_price

PARTNER_FIGURES = (
    "npv",
    "irr",
    "payback_month",
    "break_even_month",
    "peak_funding",
    "cumulative_cash",
    "roi",
    "revenue",
    "gross_profit",
    "ebitda",
)
VENDOR_FIGURES = (*PARTNER_FIGURES[:7], "revenue", "gross_profit", "cost")
MONTH_FIGURES = frozenset({"payback_month", "break_even_month"})


def side_figures(cash_flow: Array, cumulative: Array, annual_rate: Array) -> dict[str, Array]:
    """The figures docs/model.md section 4 defines for one side's cash flows, one value per row.

    Computed a block of rows at a time (:func:`planner.finance.block_rows`), so that the
    temporaries stay small: a row's figures do not depend on the block it is in.
    """
    rows, size = cash_flow.shape[0], finance.block_rows(cash_flow.shape[1])
    if rows <= size:
        return _side_figures(cash_flow, cumulative, annual_rate)
    parts = [
        _side_figures(cash_flow[block], cumulative[block], annual_rate[block])
        for block in (slice(start, start + size) for start in range(0, rows, size))
    ]
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def _side_figures(cash_flow: Array, cumulative: Array, annual_rate: Array) -> dict[str, Array]:
    peak = finance.peak_funding(cumulative)
    return {
        "npv": finance.npv(annual_rate, cash_flow),
        "irr": finance.irr_annual(cash_flow),
        "payback_month": finance.payback_month(cumulative),
        "break_even_month": finance.break_even_month(cash_flow),
        "peak_funding": peak,
        "cumulative_cash": cumulative[:, -1].copy(),
        "roi": finance.roi(cumulative, peak),
    }


def key_figures(batch: Batch, columns: Mapping[str, Array]) -> dict[str, Any]:
    """Both sides' key figures and ``mutual``; every figure is an array of shape ``(B,)``."""
    partner = side_figures(
        columns["cash_flow"], columns["cumulative_cash"], side_rate(batch, "partner")
    )
    partner.update(
        revenue=columns["revenue"].sum(axis=1),
        gross_profit=columns["gross_profit"].sum(axis=1),
        ebitda=columns["ebitda"].sum(axis=1),
    )
    vendor = side_figures(
        columns["vendor_cash_flow"], columns["vendor_cumulative_cash"], side_rate(batch, "vendor")
    )
    vendor.update(
        revenue=columns["vendor_revenue"].sum(axis=1),
        gross_profit=columns["vendor_gross_profit"].sum(axis=1),
        cost=columns["vendor_cost"].sum(axis=1),
    )
    return {
        "partner": partner,
        "vendor": vendor,
        "mutual": (partner["npv"] > 0) & (vendor["npv"] > 0),
    }


def batch_key_figures(batch: Batch, actuals: Mapping[str, Array] | None = None) -> dict[str, Any]:
    """``key_figures(batch, simulate(batch, actuals))`` without keeping the monthly columns.

    Without actuals the compiled kernel (:mod:`planner.kernel`) computes each plan's columns
    and figures in one pass: within 1e-12 relative (or 1e-6 currency units) of the plan alone,
    the same payback and break-even months. With actuals each block of :func:`simulate_blocks`
    goes to :func:`key_figures` while it is in cache, bit for bit.
    """
    if actuals is None:
        return _compiled_figures(batch)
    parts = [
        key_figures(batch.rows(block), columns)
        for block, columns in simulate_blocks(batch, actuals)
    ]
    if len(parts) == 1:
        return parts[0]
    return {
        "partner": {
            name: np.concatenate([p["partner"][name] for p in parts])
            for name in parts[0]["partner"]
        },
        "vendor": {
            name: np.concatenate([p["vendor"][name] for p in parts]) for name in parts[0]["vendor"]
        },
        "mutual": np.concatenate([p["mutual"] for p in parts]),
    }


def _compiled_figures(batch: Batch) -> dict[str, Any]:
    """:func:`batch_key_figures` of a batch without actuals, by :func:`planner.kernel.figures`.
    An IRR the kernel leaves open (no bracket on the grid, no proof that its root is nearest 0)
    is settled by :func:`planner.finance.irr_monthly` on the plan's columns from
    :func:`simulate`."""
    from planner import kernel  # compiled code: only the commands that run a batch load it

    n = batch.months
    res, inv = batch.lists["resources"], batch.lists["investments"]
    tiers = batch.lists["vendor_programme.rebate_tiers"]

    def stack(*columns: NDArray[Any], dtype: type = np.float64) -> NDArray[Any]:
        return np.stack([np.asarray(column, dtype=dtype) for column in columns])

    rates = np.concatenate([side_rate(batch, "partner"), side_rate(batch, "vendor")])
    distinct, index = np.unique(rates, return_inverse=True)
    every = np.minimum(month_index(inv["every_months"], 0, 10**6, "investments.every_months"), n)
    out = np.empty((2, len(kernel.FIGURES), batch.size))
    status = np.empty((2, batch.size), dtype=np.int64)
    kernel.figures(
        stack(*(batch.scalars[path] for path in kernel.SCALARS)),
        np.ascontiguousarray(yearly_price(batch, slice(None))),
        stack(res["fte"], res["annual_cost"], batch.sales, batch.delivery),
        stack(
            month_index(res["start_month"], 1, n, "resources.start_month"),
            month_index(res["ramp_months"], 0, n, "resources.ramp_months"),
            dtype=np.int64,
        ),
        stack(inv["amount"], inv["vendor_share"]),
        stack(month_index(inv["month"], 1, n, "investments.month"), every, dtype=np.int64),
        stack(tiers["threshold"], tiers["rate"]),
        finance.discount_factors(distinct, n),
        index.reshape(2, -1).astype(np.int64),
        finance.GRID,
        finance.grid_table(n),
        kernel.ORDER,
        out,
        status,
    )
    monthly_irr = out[:, 1]
    open_rows = np.flatnonzero((status == kernel.OPEN).any(axis=0))
    if open_rows.size:
        columns = simulate(batch.take(open_rows))
        for side, flow in enumerate(("cash_flow", "vendor_cash_flow")):
            monthly_irr[side, open_rows] = finance.irr_monthly(columns[flow])
    with np.errstate(over="ignore"):
        monthly_irr[...] = (1.0 + monthly_irr) ** 12 - 1.0  # finance.irr_annual
    partner = dict(zip(PARTNER_FIGURES, out[0], strict=True))
    vendor = dict(zip(VENDOR_FIGURES, out[1], strict=True))
    return {
        "partner": partner,
        "vendor": vendor,
        "mutual": (partner["npv"] > 0) & (vendor["npv"] > 0),
    }


def figures_of(figures: Mapping[str, Any], row: int) -> dict[str, Any]:
    """Row ``row`` of batched key figures as plain Python (``None`` for undefined)."""
    out: dict[str, Any] = {}
    for side, names in (("partner", PARTNER_FIGURES), ("vendor", VENDOR_FIGURES)):
        values = figures[side]
        out[side] = {
            name: (
                None
                if not np.isfinite(values[name][row])
                else int(values[name][row])
                if name in MONTH_FIGURES
                else float(values[name][row])
            )
            for name in names
        }
    out["mutual"] = bool(figures["mutual"][row])
    return out
