"""Exports of a plan: the business-plan PDF (``pdf``), the live XLSX model (``xlsx``), the
import of edited workbooks (``workbook_import``) and their command line (``cli``).

Submodules are imported on use, so the command line does not load reportlab for a workbook.
"""
