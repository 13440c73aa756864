"""The analyses page's views, one module per tab (:mod:`planner.ui.pages.analyses` is the
page script over them)."""
