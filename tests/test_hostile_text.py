"""Hostile plan text is refused in bounded time with one problem naming what was refused
(planner.plan.files.parse: the app's upload and every command line reader)."""

from __future__ import annotations

import time

import pytest

from planner.limits import MAX_DEPTH, MAX_NODES
from planner.plan.files import parse, to_yaml
from planner.plan.schema import PlanError
from tests.factories import EXAMPLE
from tests.store_support import example_plan

LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
)
"""Nine levels of tenfold aliases: a few hundred bytes standing for a billion values."""


def _refusal(text: str) -> str:
    start = time.perf_counter()
    with pytest.raises(PlanError) as refused:
        parse(text, name="plan.yaml")
    # generous: bounded work is what is tested; the benchmarks time it
    assert time.perf_counter() - start < 5
    (problem,) = refused.value.problems
    return str(problem)


def test_yaml_aliases_are_refused_before_anything_expands() -> None:
    assert "anchors and aliases (&, *) are not allowed (line 1)" in _refusal(LAUGHS)
    plan = to_yaml(example_plan())
    assert "not allowed" in _refusal(plan.replace("revenue:", "revenue: &r", 1))


@pytest.mark.parametrize(
    "text",
    [
        "title: A\ntitle: B\n",
        '{"title": "A", "title": "B"}',
    ],
)
def test_a_key_twice_is_refused_not_silently_the_last(text: str) -> None:
    assert "key 'title' appears twice" in _refusal(text)


def test_deep_nesting_is_refused_without_a_recursion_error() -> None:
    assert f"nested more than {MAX_DEPTH} levels deep" in _refusal("a: " + "[" * 5000 + "]" * 5000)
    assert f"nested more than {MAX_DEPTH} levels deep" in _refusal(
        '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"
    )


def test_too_many_values_are_refused() -> None:
    text = "actuals:\n" + "".join(f"  - {{month: {i}, revenue: 1}}\n" for i in range(MAX_NODES))
    assert f"more than {MAX_NODES:,} values" in _refusal(text)


def test_the_example_and_its_json_still_read() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert parse(text).title
    assert parse(parse(text).model_dump_json()) == parse(text)
