"""Keep the README true: its commands exist and CI runs the test command it gives."""

from __future__ import annotations

import re

from planner.cli import build_parser
from tests.factories import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


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


def test_the_shipped_example_is_the_example_beside_model_md():
    from tests.factories import EXAMPLE, SHIPPED_EXAMPLE

    assert SHIPPED_EXAMPLE.read_text(encoding="utf-8") == EXAMPLE.read_text(encoding="utf-8")
