"""Key figures addressed by name: ``partner.npv``, ``vendor.payback_month``, ``mutual``."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from planner import finance, model
from planner.analysis import AnalysisError

SHARE_FIGURES: tuple[str, ...] = ("partner.value_share", "vendor.value_share")
"""Each side's share of the joint NPV (a fraction; undefined where the joint NPV is not
positive): the value split that goal seek can aim at."""
NUMERIC_FIGURES: tuple[str, ...] = (
    *(f"partner.{n}" for n in model.PARTNER_FIGURES),
    *(f"vendor.{n}" for n in model.VENDOR_FIGURES),
)
"""Every numeric key figure of both sides as ``side.name``."""
ANALYSIS_FIGURES: tuple[str, ...] = (*NUMERIC_FIGURES, *SHARE_FIGURES)
"""What goal seek and the tornado can aim at: the key figures and the value split."""


def value_share(partner_npv: Any, vendor_npv: Any, side: str = "partner") -> NDArray[np.float64]:
    """A side's share of the joint NPV, ``nan`` where the joint NPV is not positive.

    >>> value_share([30.0, 50.0, 10.0], [70.0, -60.0, -10.0]).tolist()
    [0.3, nan, nan]
    """
    p = np.asarray(partner_npv, dtype=np.float64)
    v = np.asarray(vendor_npv, dtype=np.float64)
    joint = p + v
    own = p if side == "partner" else v
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(joint > 0, own / np.where(joint > 0, joint, 1.0), np.nan)


FIGURES: tuple[str, ...] = (*NUMERIC_FIGURES, "mutual")


def check_figure(name: str, hidden: Collection[str] = ()) -> str:
    """``name`` if it is a numeric key figure not in ``hidden`` (the figures hidden from the
    side asking, :func:`planner.privacy.hidden_figures`), else :class:`AnalysisError` listing
    those it may ask for.

    >>> check_figure("vendor.npv")
    'vendor.npv'
    """
    if name not in ANALYSIS_FIGURES or name in hidden:
        allowed = ", ".join(f for f in ANALYSIS_FIGURES if f not in hidden)
        raise AnalysisError(f"figure: {name!r} is not a key figure (one of {allowed})")
    return name


def is_month_figure(name: str) -> bool:
    """Whether the figure is a month number (payback, break-even): a step function of drivers."""
    return name.partition(".")[2] in model.MONTH_FIGURES


def figure_array(figures: Mapping[str, Any], name: str) -> NDArray[np.float64]:
    """The ``(B,)`` array of one figure in :func:`planner.model.key_figures` output."""
    if name == "mutual":
        return np.asarray(figures["mutual"], dtype=np.float64)
    side, _, figure = name.partition(".")
    if name in SHARE_FIGURES:
        return value_share(figures["partner"]["npv"], figures["vendor"]["npv"], side)
    return np.asarray(figures[side][figure], dtype=np.float64)


def figure_value(figures: Mapping[str, Any], name: str) -> Any:
    """One figure of a :func:`planner.model.figures_of` dict (``None`` when undefined)."""
    if name == "mutual":
        return figures["mutual"]
    side, _, figure = name.partition(".")
    if name in SHARE_FIGURES:
        share = float(value_share(figures["partner"]["npv"], figures["vendor"]["npv"], side))
        return None if np.isnan(share) else share
    return figures[side][figure]


def _side_columns(side: str) -> tuple[str, str]:
    if side == "partner":
        return ("cash_flow", "cumulative_cash")
    return ("vendor_cash_flow", "vendor_cumulative_cash")


_SUMS = {
    "partner.revenue": "revenue",
    "partner.gross_profit": "gross_profit",
    "partner.ebitda": "ebitda",
    "vendor.revenue": "vendor_revenue",
    "vendor.gross_profit": "vendor_gross_profit",
    "vendor.cost": "vendor_cost",
}


def compute(
    batch: model.Batch, columns: Mapping[str, NDArray[np.float64]], name: str
) -> NDArray[np.float64]:
    """One figure for every plan of the batch, shape ``(B,)``: the same as
    :func:`planner.model.key_figures` gives (a test keeps them equal), without computing the
    others; an analysis that needs one figure then skips the IRR, the costliest of them."""
    if name == "mutual":
        partner = finance.npv(model.side_rate(batch, "partner"), columns["cash_flow"])
        vendor = finance.npv(model.side_rate(batch, "vendor"), columns["vendor_cash_flow"])
        return ((partner > 0) & (vendor > 0)).astype(np.float64)
    if name in _SUMS:
        return np.asarray(columns[_SUMS[name]].sum(axis=1))
    if name in SHARE_FIGURES:
        partner = finance.npv(model.side_rate(batch, "partner"), columns["cash_flow"])
        vendor = finance.npv(model.side_rate(batch, "vendor"), columns["vendor_cash_flow"])
        return value_share(partner, vendor, name.partition(".")[0])
    side, _, figure = name.partition(".")
    flow_column, cumulative_column = _side_columns(side)
    flows, cumulative = columns[flow_column], columns[cumulative_column]
    if figure == "npv":
        return finance.npv(model.side_rate(batch, side), flows)
    if figure == "irr":
        return finance.irr_annual(flows)
    if figure == "payback_month":
        return finance.payback_month(cumulative)
    if figure == "break_even_month":
        return finance.break_even_month(flows)
    if figure == "peak_funding":
        return finance.peak_funding(cumulative)
    if figure == "cumulative_cash":
        return np.asarray(cumulative[:, -1].copy())
    if figure == "roi":
        return finance.roi(cumulative)
    raise AnalysisError(f"figure: {name!r} is not a key figure")
