"""Signed files for the tests of signed files: a plan with private values on both sides,
signed, and the package rules a workbook must keep."""

from __future__ import annotations

import io
import posixpath
import zipfile
from xml.etree import ElementTree

from planner.plan.schema import Plan
from planner.policy import RULES
from planner.signoff import records as signoff
from planner.store import Store
from tests.store_support import freeze_and_sign
from tests.test_xlsx_libreoffice import _private_example

EDITIONS = ("full", "partner", "vendor", "viewer")
LANGUAGES = ("de", "en")


def signed_private_plan() -> tuple[Plan, signoff.SignOff]:
    """The example with private values on both sides, frozen and signed by both sides, in
    the store of ``PLANNER_DATA_DIR``."""
    store = Store(policy=RULES)
    try:
        plan_id = store.create_plan(_private_example(False), author="Max Roth", side="vendor")
        record = freeze_and_sign(store, plan_id, 1)
        return signoff.signed_plan(store, record), record
    finally:
        store.close()


CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def package_problems(data: bytes) -> list[str]:
    """What breaks the package rules Excel holds a workbook to (ECMA-376 part 2): a part
    without a content type, an override for no part, a relationship to no part."""
    problems = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        types = ElementTree.fromstring(archive.read("[Content_Types].xml"))
        defaults = {d.get("Extension", "").lower() for d in types.iter(f"{CONTENT_TYPES}Default")}
        overrides = {o.get("PartName", "") for o in types.iter(f"{CONTENT_TYPES}Override")}
        for name in names:
            if name == "[Content_Types].xml" or name.endswith("/"):
                continue
            if f"/{name}" not in overrides and name.rsplit(".", 1)[-1].lower() not in defaults:
                problems.append(f"{name}: no content type")
        problems += [f"{o}: override of no part" for o in overrides if o[1:] not in names]
        for rels in (n for n in names if n.endswith(".rels")):
            source = posixpath.dirname(posixpath.dirname(rels))  # a/_rels/b.rels -> a
            for relation in ElementTree.fromstring(archive.read(rels)).iter(
                f"{RELATIONSHIPS}Relationship"
            ):
                target = relation.get("Target", "")
                if relation.get("TargetMode") == "External":
                    continue
                part = target[1:] if target.startswith("/") else posixpath.join(source, target)
                if posixpath.normpath(part) not in names:
                    problems.append(f"{rels}: {relation.get('Id')} points at no part ({target})")
    return problems
