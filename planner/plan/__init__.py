"""The plan file of docs/model.md section 1, one module per concern.

:mod:`~planner.plan.schema` (the pydantic models, the one home of the fields; it imports
nothing of the package above it), :mod:`~planner.plan.paths` (values by dotted path),
:mod:`~planner.plan.validation` (plain data -> a complete plan or every problem; values set by
path; scenarios) with the rules of :mod:`~planner.plan.ranges` (the numeric drivers and the
uncertainty ranges) and :mod:`~planner.plan.records` (the onboarding records), and
:mod:`~planner.plan.files` (YAML and JSON files, the canonical JSON and its hash).
"""
