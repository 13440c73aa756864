"""Streamlit entry point: page config and navigation only."""

import streamlit as st

from planner.model import evaluate
from planner.plan import load

st.set_page_config(page_title="Partner business plan", layout="wide")
outcome = evaluate(load("templates/reseller.yaml"))
st.json(outcome.kpis)
