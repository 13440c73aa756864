"""Keep the README and docs/model.md true: their commands exist, CI runs the test command the
README gives, the model document names every plan key and its worked example is what the model
computes (the example's numbers are worked out by hand in the document)."""

from __future__ import annotations

import re
import types
from collections.abc import Iterator
from typing import Any, Union, get_args, get_origin

import numpy as np
import pytest
from pydantic import BaseModel

from planner.cli import build_parser
from planner.model import PARTNER_FIGURES, VENDOR_FIGURES, Outcome, evaluate, side_figures
from planner.plan.files import parse
from planner.plan.schema import MONTHLY_COLUMNS, Plan
from tests.factories import EXAMPLE, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
MODEL_DOC = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")


def subcommands() -> set[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return set(action.choices)


def test_every_command_in_the_readme_exists_and_every_command_is_documented():
    documented = set(re.findall(r"python -m planner ([a-z-]+)", README))
    assert documented <= subcommands()
    undocumented = subcommands() - documented
    assert not undocumented, f"README does not mention: {sorted(undocumented)}"


def test_ci_runs_the_readme_test_command():
    assert "scripts/test" in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/test" in ci
    assert "streamlit run app.py" in README
    start = (ROOT / "scripts" / "start").read_text(encoding="utf-8")
    assert "streamlit run app.py" in start


def test_readme_templates_exist():
    for kind in ("reseller", "msp", "si", "isv"):
        assert (ROOT / "templates" / f"{kind}.yaml").is_file()
    assert "reseller|msp|si|isv" in README


def test_the_screenshot_in_the_readme_exists():
    for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README):
        assert (ROOT / image).is_file(), image


def test_the_readme_points_inside_the_project():
    assert "shared/" not in README
    assert "MODEL.md" not in README
    for path in ("docs/model.md", "examples/acme-reseller.yaml"):
        assert f"`{path}`" in README, path
        assert (ROOT / path).is_file(), path
    assert EXAMPLE.is_relative_to(ROOT)


# --- docs/model.md -------------------------------------------------------------------------


def section(doc: str, title: str) -> str:
    """The text under the first heading that contains ``title``, up to the next heading of the
    same or a higher level."""
    match = re.search(rf"^(#+) [^\n]*{re.escape(title)}[^\n]*$", doc, re.MULTILINE)
    assert match, f"no heading with {title!r}"
    level = len(match[1])
    rest = doc[match.end() :]
    end = re.search(rf"^#{{1,{level}}} ", rest, re.MULTILINE)
    return rest[: end.start()] if end else rest


def table(text: str) -> list[dict[str, str]]:
    """The first markdown table in ``text``: one dict per row, keyed by header (no backticks)."""
    lines = [line.strip() for line in text.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows: list[list[str]] = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip().strip("`") for cell in line.strip("|").split("|")])
    header, _rule, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


def printed(cell: str) -> tuple[float, float]:
    """A number as the document prints it and the tolerance of its printed precision."""
    text = cell.replace(",", "").replace("\u2212", "-")
    decimals = len(text.partition(".")[2])
    return float(text), 0.5 * 10.0**-decimals


def worked_example() -> Outcome:
    block = re.search(r"```yaml\n(.*?)```", section(MODEL_DOC, "worked example"), re.DOTALL)
    assert block, "the worked example has no yaml block"
    return evaluate(parse(block[1], name="docs/model.md worked example"))


def test_the_worked_example_is_a_valid_twelve_month_plan_with_one_sales_role():
    plan = worked_example().plan
    assert plan.months == 12
    assert [r.function for r in plan.resources] == ["sales"]


def test_the_worked_example_monthly_values_are_what_the_model_computes():
    monthly = worked_example().monthly
    rows = table(section(MODEL_DOC, "Monthly values of the worked example"))
    assert [int(row["month"]) for row in rows] == list(range(1, 13))
    checked = 0
    for row in rows:
        month = int(row["month"])
        for column, cell in row.items():
            if column == "month":
                continue
            value, tolerance = printed(cell)
            computed = monthly[column].iloc[month - 1]
            assert computed == pytest.approx(value, abs=tolerance), (month, column)
            checked += 1
    assert checked >= 12 * 8


def test_the_worked_example_key_figures_are_what_the_model_computes():
    kpis = worked_example().kpis
    rows = table(section(MODEL_DOC, "Key figures of the worked example"))
    documented = {side: set() for side in ("partner", "vendor")}
    for row in rows:
        figure = row["figure"]
        for side in ("partner", "vendor"):
            cell = row[side]
            if not cell:
                continue
            documented[side].add(figure)
            computed = kpis[side][figure]
            if cell == "null":
                assert computed is None, (side, figure)
            else:
                value, tolerance = printed(cell)
                assert computed == pytest.approx(value, abs=tolerance), (side, figure)
    assert documented == {"partner": set(PARTNER_FIGURES), "vendor": set(VENDOR_FIGURES)}
    verdict = re.search(r"`mutual` = (true|false)", section(MODEL_DOC, "worked example"))
    assert verdict, "the worked example states no verdict"
    assert kpis["mutual"] is (verdict[1] == "true"), f"docs/model.md says mutual = {verdict[1]}"


def test_the_model_doc_lists_the_monthly_columns_in_order_and_every_key_figure():
    columns = [row["column"] for row in table(section(MODEL_DOC, "Monthly and yearly tables"))]
    assert columns == list(MONTHLY_COLUMNS)
    figures = {row["figure"] for row in table(section(MODEL_DOC, "Key figures"))}
    flows = np.zeros((1, 12))
    assert figures == set(side_figures(flows, flows, np.zeros(1)))


def test_every_command_in_the_model_doc_exists_and_every_command_is_documented():
    documented = set(re.findall(r"python -m planner ([a-z-]+)", MODEL_DOC))
    assert documented <= subcommands()
    undocumented = subcommands() - documented
    assert not undocumented, f"docs/model.md does not mention: {sorted(undocumented)}"


def _inner(annotation: Any) -> tuple[Any, bool]:
    """The model type inside an annotation (``X | None``, ``list[X]``) and whether it is a list."""
    if get_origin(annotation) in (Union, types.UnionType):
        annotation = next(a for a in get_args(annotation) if a is not type(None))
    if get_origin(annotation) is list:
        return get_args(annotation)[0], True
    return annotation, False


def schema_paths(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """Every key of the schema as the document writes it: ``revenue.deal_size``,
    ``resources[].fte``."""
    for name, field in model.model_fields.items():
        path = prefix + name
        yield path
        inner, is_list = _inner(field.annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            yield from schema_paths(inner, path + ("[]." if is_list else "."))


def test_every_top_level_plan_key_is_documented():
    keys = list(Plan.model_fields)
    assert "revenue" in keys  # the schema is read, not an empty list
    missing = [key for key in keys if f"`{key}`" not in MODEL_DOC]
    assert not missing, f"docs/model.md does not document: {missing}"


def test_every_nested_plan_key_is_documented():
    paths = [path for path in schema_paths(Plan) if "." in path]
    assert "investments[].vendor_share" in paths
    missing = [path for path in paths if f"`{path}`" not in MODEL_DOC]
    assert not missing, f"docs/model.md does not document: {missing}"
