"""Monte Carlo and plan vs actuals: identities, reproducibility and hand-worked re-forecasts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from planner import model
from planner.analysis import AnalysisError, actuals, montecarlo
from planner.cli import main
from planner.plan.files import load
from planner.plan.schema import VALUE_COLUMNS, PlanError
from planner.plan.validation import validate
from tests.agreement import assert_figure_agrees
from tests.factories import EXAMPLE, make_plan, sales

RANGES = [
    {
        "path": "revenue.deal_size",
        "distribution": "triangular",
        "low": 35000,
        "likely": 42000,
        "high": 48000,
    },
    {"path": "revenue.monthly_churn", "distribution": "uniform", "low": 0.004, "high": 0.015},
    {"path": "resources.0.start_month", "distribution": "uniform", "low": 1, "high": 4},
]


def _uncertain(ranges: list[dict[str, Any]]) -> Any:
    data = load(EXAMPLE).to_data()
    data["uncertainty"] = ranges
    return validate(data)


def _without_ranges() -> dict[str, Any]:
    """The example's data without its ``uncertainty`` list."""
    data = load(EXAMPLE).to_data()
    del data["uncertainty"]
    return data


# --- Monte Carlo -------------------------------------------------------------------------


def test_zero_width_ranges_reproduce_the_base_plan() -> None:
    base = load(EXAMPLE)
    ranges = [
        {
            "path": "revenue.deal_size",
            "distribution": "triangular",
            "low": 42000,
            "likely": 42000,
            "high": 42000,
        },
        {"path": "resources.0.start_month", "distribution": "uniform", "low": 1, "high": 1},
    ]
    result = montecarlo.run(_uncertain(ranges), draws=50, seed=1)
    kpis = model.evaluate(base).kpis
    for name, percentiles in result.percentiles.items():
        side, _, figure = name.partition(".")
        assert percentiles["p10"] == percentiles["p50"] == percentiles["p90"]
        # the draws are computed in a compiled batch, the plan alone as `kpis` computes it:
        # within the agreed 1e-12 relative or 1e-6 currency units, the same month, the same
        # figure shown
        assert_figure_agrees(figure, percentiles["p50"], kpis[side][figure])
    assert result.probability_mutual == 1.0
    assert result.probability_payback == 1.0


def test_same_seed_same_result_and_chunks_do_not_matter() -> None:
    plan = _uncertain(RANGES)
    first = montecarlo.run(plan, draws=300, seed=7)
    assert first.to_json() == montecarlo.run(plan, draws=300, seed=7).to_json()
    assert first.to_json() == montecarlo.run(plan, draws=300, seed=7, chunk=64).to_json()
    assert first.to_json() != montecarlo.run(plan, draws=300, seed=8).to_json()
    for percentiles in first.percentiles.values():
        values = [percentiles[k] for k in ("p10", "p50", "p90") if percentiles[k] is not None]
        assert values == sorted(values)
    histogram = first.histograms["partner.npv"]
    assert sum(histogram["counts"]) == 300
    assert len(histogram["edges"]) == montecarlo.BINS + 1


def test_draws_stay_in_range_and_integers_are_whole() -> None:
    plan = _uncertain(RANGES)
    values = montecarlo.draw_values(plan, plan.uncertainty or [], 2000, np.random.default_rng(3))
    assert 35000 <= values["revenue.deal_size"].min() <= values["revenue.deal_size"].max() <= 48000
    start = values["resources.0.start_month"]
    assert set(np.unique(start)) <= {1.0, 2.0, 3.0, 4.0}


def test_draw_count_and_missing_ranges_are_refused() -> None:
    with pytest.raises(AnalysisError, match="draws: 0 is not within 1 to 1,000,000"):
        montecarlo.run(_uncertain(RANGES), draws=0)
    with pytest.raises(AnalysisError, match="uncertainty"):
        montecarlo.run(validate(_without_ranges()), draws=10)


def test_uncertainty_is_validated_with_named_fields() -> None:
    bad = [
        {"path": "revenue.nope", "distribution": "uniform", "low": 0, "high": 1},
        {
            "path": "revenue.monthly_churn",
            "distribution": "triangular",
            "low": 0.1,
            "likely": 0.5,
            "high": 0.3,
        },
        {"path": "revenue.partner_margin", "distribution": "uniform", "low": 0.2, "high": 1},
        {"path": "resources.0.start_month", "distribution": "uniform", "low": 1.5, "high": 3},
    ]
    with pytest.raises(PlanError) as error:
        _uncertain(bad)
    messages = {str(p) for p in error.value.problems}
    assert "uncertainty.0.path: 'revenue.nope' is not a numeric driver" in messages
    assert "uncertainty.1.likely: 0.5 is not within low 0.1 to high 0.3" in messages
    assert any(m.startswith("uncertainty.2.high: 1 is not within 0 to 0.99") for m in messages)
    assert "uncertainty.3.low: 1.5 is not a whole number" in messages
    with pytest.raises(PlanError, match=r"uncertainty\.0\.distribution: .normal. is not one of"):
        _uncertain([{"path": "revenue.deal_size", "distribution": "normal", "low": 1, "high": 2}])
    # a plan without the key keeps its canonical form
    assert "uncertainty" not in validate(_without_ranges()).to_data()


# --- plan vs actuals ---------------------------------------------------------------------


def _subscription_plan() -> Any:
    # one sales FTE, one new deal a month, no churn: customers(t) = t;
    # deal size 12,000 a year: resale = 1,000 per customer and month
    return make_plan(
        resources=[sales(fte=1)],
        revenue={"deals_per_sales_fte_month": 1, "deal_size": 12000, "partner_margin": 0.5},
    )


def test_reforecast_continues_from_actual_customers() -> None:
    plan = _subscription_plan()
    rows = [{"month": 1, "customers": 3}, {"month": 2, "customers": 5}]
    table = actuals.reforecast(plan, rows).monthly
    # month 3 builds on the actual 5 customers: 5 + 1 = 6; month 12: 5 + 10 = 15
    assert table["customers"].tolist()[:4] == [3, 5, 6, 7]
    assert table["customers"].iloc[-1] == 15
    assert table["resale"].iloc[2] == pytest.approx(6000)


def test_reforecast_from_actual_new_deals() -> None:
    # 4 actual new deals in month 1 (plan: 1): customers 4, then 5, 6, ...
    table = actuals.reforecast(_subscription_plan(), [{"month": 1, "new_deals": 4}]).monthly
    assert table["customers"].tolist()[:3] == [4, 5, 6]


def test_reforecast_with_actuals_equal_to_the_plan_is_the_plan() -> None:
    plan = load(EXAMPLE)
    planned = model.evaluate(plan)
    rows = [
        {"month": m, **{c: float(planned.monthly[c].iloc[m - 1]) for c in VALUE_COLUMNS}}
        for m in range(1, 13)
    ]
    forecast = actuals.reforecast(plan, rows)
    for column in VALUE_COLUMNS:
        np.testing.assert_allclose(forecast.monthly[column], planned.monthly[column], rtol=1e-12)
    assert forecast.kpis["partner"]["npv"] == pytest.approx(planned.kpis["partner"]["npv"])


def test_variance_hand_worked() -> None:
    # plan revenue: 1,000 in month 1, 2,000 in month 2 (resale only); customers 1, 2
    rows = [
        {"month": 1, "revenue": 1200, "customers": 1},
        {"month": 2, "revenue": 1500, "customers": 3},
    ]
    result = actuals.variance(_subscription_plan(), rows)
    revenue = result.monthly[result.monthly["column"] == "revenue"]
    assert revenue["difference"].tolist() == pytest.approx([200, -500])
    assert revenue["percent"].tolist() == pytest.approx([0.2, -0.25])
    cumulative = result.cumulative.set_index("column")
    # flows summed: plan 3,000, actual 2,700, -10 %; stocks at the last month: 2 vs 3
    assert cumulative.loc["revenue", ["plan", "actual", "percent"]].tolist() == pytest.approx(
        [3000, 2700, -0.1]
    )
    assert cumulative.loc["customers", ["plan", "actual"]].tolist() == [2, 3]
    assert result.yearly["year"].unique().tolist() == [1]


def test_actuals_from_csv_with_labels_and_dates(tmp_path: Path) -> None:
    plan = _subscription_plan()
    file = tmp_path / "ist.csv"
    file.write_text("Datum;Umsatz;Customers\n2027-01;1.200,5;1\n2027-02;;3\n", encoding="utf-8")
    assert actuals.read_actuals(plan, file) == [
        {"month": 1, "revenue": 1200.5, "customers": 1},
        {"month": 2, "customers": 3},
    ]


def test_actuals_from_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Monat", "Revenue", "Neue Abschlüsse"])
    sheet.append([1, 1100, 2])
    sheet.append([3, 900, None])
    book.save(tmp_path / "ist.xlsx")
    rows = actuals.read_actuals(_subscription_plan(), tmp_path / "ist.xlsx")
    assert rows == [{"month": 1, "revenue": 1100, "new_deals": 2}, {"month": 3, "revenue": 900}]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("month,revenue,profit\n1,5,6\n", "column 'profit' is not a monthly column"),
        ("month,revenue\n13,5\n", "row 2: month 13 is not within 1 to 12"),
        ("month,revenue\n1,abc\n", "row 2, revenue: 'abc' is not a number"),
        ("month,revenue\n1,inf\n", "not a finite number"),
        ("revenue\n5\n", "no 'month' or 'date' column"),
        ("month,revenue\n1,5\n1,6\n", "month 1 appears twice"),
        ("date,revenue\n2026-12,5\n", "month 0 is not within 1 to 12"),
    ],
)
def test_malformed_actuals_are_refused(tmp_path: Path, text: str, message: str) -> None:
    file = tmp_path / "a.csv"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(AnalysisError, match=message):
        actuals.read_actuals(_subscription_plan(), file)


# --- command line ------------------------------------------------------------------------


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_analyses(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    example = str(EXAMPLE)
    status, out, _ = _run(capsys, "compare", example)
    assert status == 0
    assert "Konservativ" in out
    assert "partner.npv" in out
    status, out, _ = _run(capsys, "compare", example, "--json")
    assert json.loads(out)["scenarios"]["Ambitioniert"]["partner"]["payback_month"] == 24
    status, out, _ = _run(capsys, "tornado", example, "--step", "10%", "--json")
    assert status == 0
    assert json.loads(out)["step"] == 0.1
    status, out, _ = _run(
        capsys, "goalseek", example, "--driver", "revenue.deal_size",
        "--figure", "partner.npv", "--target", "0", "--json",
    )  # fmt: skip
    assert status == 0
    assert json.loads(out)["value"] == pytest.approx(39590.58, rel=1e-6)
    plan_file = tmp_path / "plan.yaml"
    data = load(EXAMPLE).to_data()
    data["uncertainty"] = RANGES
    plan_file.write_text(json.dumps(data), encoding="utf-8")
    status, out, _ = _run(
        capsys, "simulate", str(plan_file), "--draws", "200", "--seed", "4", "--json"
    )
    again = _run(capsys, "simulate", str(plan_file), "--draws", "200", "--seed", "4", "--json")[1]
    assert status == 0
    assert out == again
    assert json.loads(out)["draws"] == 200
    status, out, _ = _run(
        capsys, "simulate", str(plan_file), "--draws", "100", "--scenario", "Konservativ"
    )
    assert status == 0
    assert "P50" in out
    actual_file = tmp_path / "ist.csv"
    actual_file.write_text("month,revenue\n1,1000\n2,5000\n", encoding="utf-8")
    status, out, _ = _run(capsys, "variance", example, "--actuals", str(actual_file))
    assert status == 0
    assert "re-forecast" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tornado", "{plan}", "--figure", "npv"], "figure: 'npv' is not a key figure"),
        (["tornado", "{plan}", "--step", "abc"], "--step"),
        (["goalseek", "{plan}", "--driver", "revenue.nope", "--figure", "partner.npv",
          "--target", "0"], "driver: 'revenue.nope'"),
        (["goalseek", "{plan}", "--driver", "revenue.partner_margin", "--figure", "partner.npv",
          "--target", "1e9"], "cannot be reached"),
        (["simulate", "{plan}", "--draws", "0"], "--draws: 0 is not within"),
        (["simulate", "{plan}", "--draws", "1000001"], "--draws: 1000001 is not within"),
        (["simulate", "{bare}"], "uncertainty"),
        (["variance", "{plan}", "--actuals", "{bad}"], "month 40 is not within 1 to 36"),
        (["variance", "{plan}"], "actuals: the plan has none"),
        (["compare", "{plan}", "--scenario", "Nope"], "'Nope' is not in the plan"),
    ],
)  # fmt: skip
def test_cli_bad_arguments_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], message: str
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("month,revenue\n40,5\n", encoding="utf-8")
    bare = tmp_path / "no-ranges.yaml"
    bare.write_text(yaml.safe_dump(_without_ranges()), encoding="utf-8")
    argv = [a.format(plan=EXAMPLE, bad=bad, bare=bare) for a in args]
    status, _, err = _run(capsys, *argv)
    assert status == 2
    lines = [line for line in err.splitlines() if not line.startswith("usage:")]
    assert len(lines) == 1
    assert message in lines[0]
    assert "Traceback" not in err


def test_chunked_draws_equal_one_batch_and_each_draw_alone() -> None:
    # A draw gets the same bits in any chunk (the compiled kernel computes each plan on its
    # own); alone it agrees within 1e-12 relative or 1e-6 currency units, the same payback
    # month, the same figures shown (as the team decided).
    plan = _uncertain(RANGES)
    whole = montecarlo.run(plan, draws=257, seed=11, chunk=257)
    for chunk in (1, 64, 100, montecarlo.CHUNK):
        chunked = montecarlo.run(plan, draws=257, seed=11, chunk=chunk)
        for name, values in whole.samples.items():
            np.testing.assert_array_equal(chunked.samples[name], values, err_msg=f"{chunk} {name}")
    drawn = montecarlo.draw_values(plan, plan.uncertainty or [], 257, np.random.default_rng(11))
    for row in (0, 100, 256):
        alone = model.Batch.from_plans([plan])
        for path, values in drawn.items():
            alone = alone.set(path, values[row : row + 1])
        figures = model.key_figures(alone, model.simulate(alone))
        for name in montecarlo.RESULT_FIGURES:
            side, _, figure = name.partition(".")
            assert_figure_agrees(figure, whole.samples[name][row], figures[side][figure][0])
        assert whole.samples["mutual"][row] == float(figures["mutual"][0])
