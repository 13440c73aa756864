"""Sign-off, seals and verification, in one place.

- :mod:`~planner.signoff.records`: freeze a plan version, sign it for each side, amendments.
- :mod:`~planner.signoff.keys`: the installation's signing key and certificate, PDF signatures.
- :mod:`~planner.signoff.editions`: the signed PDF and workbook of a version, per side.
- :mod:`~planner.signoff.verify`: is a file a signed plan, unaltered, by a trusted key?
- :mod:`~planner.signoff.cli`: ``python -m planner verify``, ``signed-export``, ``fingerprint``.
"""
