"""The onboarding page's views, one module per section (:mod:`planner.ui.pages.onboarding` is
the page script over them)."""
