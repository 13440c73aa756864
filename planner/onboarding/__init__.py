"""Onboarding after sign-off: the commitments both sides track, the rebate and MDF ledgers,
the bridge of each side's NPV since signing and the quarterly business review built on them.

Pure: plans and actuals in, plain data out; the pages and exports only present it.
"""
