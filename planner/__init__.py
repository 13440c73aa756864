"""Business-plan co-modelling for channel partnerships: the pure core (no streamlit here)."""

__version__ = "0.1.0"
