"""The app in Debian's chromium against a real ``streamlit run``: load, edit, language, upload.

Waits are on the app's state (texts appearing, the script run state), never on the clock.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest

from planner import i18n
from planner.model import evaluate
from planner.plan.files import to_yaml
from planner.plan.schema import Plan
from planner.plan.validation import with_values
from planner.policy import RULES
from planner.store import Store
from planner.ui import library
from tests.test_browser_collab import commit_value, enter_name, open_settings

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("example_plan_id")]
"""Each test on its own copy of the example plan, the newest: the one its page opens."""

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def newest_plan(data_dir: Path) -> Plan:
    """The plan a new session opens: the most recently changed one in the app's store."""
    store = Store(f"sqlite+pysqlite:///{data_dir / 'planner.db'}", policy=RULES)
    try:
        return store.plan_at(library.plan_list(store)[0].id)
    finally:
        store.close()


def npv_text(plan: Plan, language: str) -> str:
    return i18n.money(evaluate(plan).kpis["partner"]["npv"], plan.currency, language)


def metric(page: Any, index: int) -> Any:
    return page.locator('[data-testid="stMetricValue"]').nth(index)


def first_is(page: Any, text: str) -> None:
    """The page's first key figure (the partner's NPV) reads ``text`` once the page has
    finished its run; a run still drawing may hold an element of the one before."""
    from playwright.sync_api import expect

    settle(page)
    expect(metric(page, 0)).to_have_text(text)


def settle(page: Any) -> None:
    """Wait until the app has finished its current run."""
    page.wait_for_selector(IDLE)
    page.locator('[data-testid="stStatusWidgetRunningIcon"]').wait_for(state="detached")


def open_app(page: Any, url: str, path: str = "") -> None:
    page.goto(f"{url}/{path}")
    settle(page)


def switch_to_english(page: Any, heading: str) -> None:
    """Choose English in the sidebar's settings and wait for the page's ``heading`` in it."""
    open_settings(page)
    page.locator('[data-testid="stPopoverBody"] [data-testid="stSelectbox"]').click()
    page.get_by_role("option", name="English").click()
    page.get_by_role("heading", name=heading).wait_for()


def test_the_dashboard_loads_with_the_models_figures(
    app_page: Any, app_server: dict, tmp_path: Path
) -> None:
    open_app(app_page, app_server["url"])
    plan = newest_plan(app_server["data_dir"])
    app_page.get_by_text(i18n.t("verdict.mutual", "de")).wait_for()
    first_is(app_page, npv_text(plan, "de"))
    app_page.get_by_role("tab", name=i18n.t("ui.dashboard.tab_charts", "de")).click()
    app_page.locator('[data-testid="stVegaLiteChart"]').nth(2).wait_for()
    app_page.locator("canvas, svg").first.wait_for()
    app_page.set_viewport_size({"width": 1440, "height": 2050})
    settle(app_page)
    picture = tmp_path / "dashboard.png"  # docs/dashboard.png is made by scripts/screenshot.py
    app_page.screenshot(path=str(picture), full_page=True)
    assert picture.stat().st_size > 50_000


def test_editing_a_driver_changes_the_npv(app_page: Any, app_server: dict) -> None:
    plan = newest_plan(app_server["data_dir"])
    open_app(app_page, app_server["url"], "assumptions")
    enter_name(app_page, "Vera")
    app_page.get_by_role("tab", name=i18n.t("ui.assumptions.revenue", "de")).click()
    field = app_page.get_by_role("textbox", name=i18n.label("revenue.deal_size", "de"))
    new_size = plan.revenue.deal_size + 12_000
    store = Store(f"sqlite+pysqlite:///{app_server['data_dir'] / 'planner.db'}", policy=RULES)
    try:
        plan_id = library.plan_list(store)[0].id
        commit_value(app_page, field, i18n.number(new_size, "de"), store, plan_id)
        stored = store.version(plan_id)
    finally:
        store.close()
    # the edit is stored (the sidebar names the new version) before the page is left
    version = i18n.t("ui.workspace.version", "de", version=stored)
    app_page.locator('[data-testid="stSidebar"]').get_by_text(version).wait_for()
    edited = with_values(plan, {"revenue.deal_size": new_size})
    # the edit is stored as soon as it is accepted
    app_page.get_by_role("link", name=i18n.t("ui.nav.dashboard", "de")).click()
    expected = npv_text(edited, "de")
    assert expected != npv_text(plan, "de")
    app_page.locator('[data-testid="stMetricValue"]', has_text=expected).first.wait_for()
    first_is(app_page, expected)


def test_switching_to_english_keeps_the_plan(app_page: Any, app_server: dict) -> None:
    plan = newest_plan(app_server["data_dir"])
    open_app(app_page, app_server["url"])
    app_page.get_by_text(i18n.t("ui.dashboard.title", "de"), exact=True).first.wait_for()
    switch_to_english(app_page, "Dashboard")
    settle(app_page)
    expected = npv_text(plan, "en")
    app_page.locator('[data-testid="stMetricValue"]', has_text=expected).first.wait_for()
    first_is(app_page, expected)
    app_page.get_by_text(i18n.t("verdict.mutual", "en")).wait_for()


def test_switching_the_language_keeps_the_dashboards_open_tab(
    app_page: Any, app_server: dict
) -> None:
    from playwright.sync_api import expect

    open_app(app_page, app_server["url"])
    app_page.get_by_role("tab", name=i18n.t("ui.dashboard.tab_charts", "de")).click()
    app_page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
    settle(app_page)
    switch_to_english(app_page, "Dashboard")
    settle(app_page)
    charts = app_page.get_by_role("tab", name=i18n.t("ui.dashboard.tab_charts", "en"))
    expect(charts).to_have_attribute("aria-selected", "true")
    expect(app_page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible()


def test_uploading_a_plan_file_opens_it(app_page: Any, app_server: dict, tmp_path: Path) -> None:
    base = newest_plan(app_server["data_dir"])
    upload = with_values(
        base, {"partner.name": "Müller & Söhne <b>IT</b>", "revenue.deal_size": 61_000}
    )
    file = tmp_path / "mueller.yaml"
    file.write_text(to_yaml(upload), encoding="utf-8")
    open_app(app_page, app_server["url"], "start")
    app_page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(file))
    heading = app_page.get_by_role("heading", name="Partner: Müller & Söhne <b>IT</b>")
    heading.wait_for()  # the name shows literally, never as markup
    expected = npv_text(upload, "de")
    app_page.locator('[data-testid="stMetricValue"]', has_text=expected).first.wait_for()
    first_is(app_page, expected)


def test_an_uploaded_file_with_errors_is_listed_and_refused(
    app_page: Any, app_server: dict, tmp_path: Path
) -> None:
    file = tmp_path / "broken.yaml"
    file.write_text("version: 1\ntitle: ''\nmonths: 7\n", encoding="utf-8")
    open_app(app_page, app_server["url"], "start")
    app_page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(file))
    alert = app_page.locator('[data-testid="stAlertContentError"]')
    alert.get_by_text("months: 7 is below 12").wait_for()
    assert "title: must not be empty" in alert.inner_text()


def test_presenter_mode_makes_the_title_and_the_figures_large(
    app_page: Any, app_server: dict
) -> None:
    """For a shared screen: the page's title takes the presenter's heading size (its text sat
    in an element the presenter's body size reached, 23 px under a 65 px heading), and the
    figures grow from 1.2 to 2.6 rem."""
    open_app(app_page, app_server["url"])
    size = "(e) => parseFloat(getComputedStyle(e).fontSize)"
    title = app_page.locator("h1").first
    figure = metric(app_page, 0)
    before = figure.evaluate(size)
    open_settings(app_page)
    app_page.get_by_role("switch", name=i18n.t("ui.sidebar.presenter", "de")).click(force=True)
    app_page.wait_for_function(
        "() => parseFloat(getComputedStyle(document.querySelector('h1')).fontSize) > 60"
    )
    settle(app_page)
    heading = title.evaluate(size)
    assert title.locator("span").first.evaluate(size) == heading  # 3.4 rem of a 19.2 px root
    assert figure.evaluate(size) > 2 * before  # 2.6 rem against 1.2 rem


LABEL_ROOM = """(strip) => [...strip.querySelectorAll('[data-testid="stMetricLabel"]')]
.map((label) => {
  const range = document.createRange();
  range.selectNodeContents(label.querySelector('p'));
  const icon = label.querySelector('[data-testid="stTooltipHoverTarget"]');
  return [label.innerText, range.getBoundingClientRect().right,
          icon ? icon.getBoundingClientRect().left : null];
})"""
"""Each label of the strip: its text, where its text ends and where its help icon begins (px)."""


def test_the_strips_labels_keep_clear_of_their_help_icons_at_1280_px(
    app_page: Any, app_server: dict
) -> None:
    """At 1280 px, with the sidebar open, the strip above the assumptions holds seven figures
    in a row; the longest German label, "Amortisation", ran 3 px into its help icon. Every
    label's text now ends at least 2 px before its icon, in German and in English."""
    app_page.set_viewport_size({"width": 1280, "height": 900})
    open_app(app_page, app_server["url"], "assumptions")
    for language, heading in (("de", None), ("en", "Assumptions")):
        if heading:
            switch_to_english(app_page, heading)
            app_page.keyboard.press("Escape")
        strip = app_page.locator(".st-key-figure_strip")
        strip.get_by_text(i18n.t("ui.short.payback_month", language), exact=True).wait_for()
        settle(app_page)
        labels = strip.evaluate(LABEL_ROOM)
        assert len(labels) == 7, labels  # the partner's four figures, the vendor's three
        for text, end, icon in labels:
            assert icon is not None, text
            assert end + 2 <= icon, (language, text, end, icon)


FIGURE_ROOM = """(area) => [...area.querySelectorAll('[data-testid="stMetric"]')].map((metric) => {
  // the figure's own room: its column, or its share of the strip's row of figures
  const column = metric.closest('[data-testid="stElementContainer"]').getBoundingClientRect();
  const text = (element) => {
    const range = document.createRange();
    range.selectNodeContents(element.querySelector('p'));
    return range.getBoundingClientRect();
  };
  const label = metric.querySelector('[data-testid="stMetricLabel"]');
  const icon = label.querySelector('[data-testid="stTooltipHoverTarget"]').getBoundingClientRect();
  const value = text(metric.querySelector('[data-testid="stMetricValue"]'));
  return [label.innerText, text(label).right, icon.left, value.right, column.right];
})"""
"""Each figure of an area: its label, where the label's text ends and its help icon begins,
where its value's text ends and where its room (its column, or its share of a row) ends (px)."""


@pytest.mark.parametrize(
    ("width", "presenter", "page", "area"),
    [
        (1024, False, "assumptions", ".st-key-figure_strip"),
        (1024, False, "", ".st-key-side_figures"),
        (1920, True, "assumptions", ".st-key-figure_strip"),
    ],
)
def test_every_figure_keeps_to_its_own_room_on_a_narrow_page_and_for_a_room(
    app_page: Any, app_server: dict, width: int, presenter: bool, page: str, area: str
) -> None:
    """At 1024 px with the sidebar open, the strip's seven figures had 77 px each: labels ran
    over their help icons and "1.383.207 €" over the next figure; the dashboard's cards the
    same. In presenter type even 1920 px did not hold the strip in one row. Each side's
    figures now go one side under the other where they do not fit."""
    app_page.set_viewport_size({"width": width, "height": 900})
    open_app(app_page, app_server["url"], page)
    if presenter:
        open_settings(app_page)
        app_page.get_by_role("switch", name=i18n.t("ui.sidebar.presenter", "de")).click(force=True)
        app_page.wait_for_function(
            "() => parseFloat(getComputedStyle(document.querySelector('h1')).fontSize) > 60"
        )
        app_page.keyboard.press("Escape")
    settle(app_page)
    # the run is over before the browser has drawn its figures (their script loads on first use)
    app_page.locator(f'{area} [data-testid="stMetric"]').nth(6).wait_for()
    # the style that stacks the sides can hold a frame after the figures are drawn (1 clean
    # run in 5 measured the row before it): measured once the page shows it, or after 10 s
    with contextlib.suppress(Exception):
        app_page.locator(area).evaluate_handle(
            f"""area => new Promise(done => {{
              const fits = () => ({FIGURE_ROOM})(area).every(
                ([, labelEnd, icon, valueEnd, columnEnd]) =>
                  labelEnd + 2 <= icon && valueEnd <= columnEnd + 0.5);
              const start = performance.now();
              const check = () => (fits() || performance.now() - start > 10000)
                ? done(true) : requestAnimationFrame(check);
              check();
            }})"""
        )
    figures = app_page.locator(area).evaluate(FIGURE_ROOM)
    assert len(figures) >= 7, figures
    for label_text, label_end, icon, value_end, column_end in figures:
        assert label_end + 2 <= icon, (label_text, label_end, icon)
        assert value_end <= column_end + 0.5, (label_text, value_end, column_end)


def test_the_start_pages_headings_keep_their_words_whole_on_a_narrow_page(
    app_page: Any, app_server: dict
) -> None:
    """At 1024 px with the sidebar open the start page's three areas stood side by side, 170 px
    each, and "Gespeicherte Pläne" broke inside its first word; they now go one under another."""
    app_page.set_viewport_size({"width": 1024, "height": 900})
    open_app(app_page, app_server["url"], "start")
    lines_of = """() => [...document.querySelectorAll('.st-key-start_areas h3')].map((h) => {
        const text = document.createTreeWalker(h, NodeFilter.SHOW_TEXT).nextNode();
        const range = document.createRange();
        range.selectNodeContents(text);
        return [text.data, new Set([...range.getClientRects()].map((r) => r.top)).size];
    })"""
    # the page's style arrives with its run, its headings may be drawn a frame before it holds
    whole = (
        f"() => {{ const l = ({lines_of})(); return l.length === 3 && l.every(x => x[1] === 1); }}"
    )
    with contextlib.suppress(Exception):
        app_page.wait_for_function(whole, timeout=10_000)
    lines = app_page.evaluate(lines_of)
    assert len(lines) == 3, lines
    assert all(count == 1 for _, count in lines), lines


GRID_ROOM = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
  .filter(grid => grid.offsetParent !== null)
  .map(grid => grid.querySelector('.dvn-scroller'))
  .map(scroller => [scroller.scrollWidth, scroller.clientWidth])"""
"""Each visible grid's width of its columns and of its window (px)."""


def test_every_column_of_the_assumptions_tables_is_in_view_at_1280_px(
    app_page: Any, app_server: dict
) -> None:
    """At 1280 px with the sidebar open, the investments' vendor share stood beyond the grid's
    right edge (76 px of columns to scroll to): a person had to find it. Every assumptions
    table now shows all its columns, in German and in English."""
    app_page.set_viewport_size({"width": 1280, "height": 900})
    open_app(app_page, app_server["url"], "assumptions")
    for language, heading in (("de", None), ("en", "Assumptions")):
        if heading:
            switch_to_english(app_page, heading)
            app_page.keyboard.press("Escape")
        for tab in ("investments", "team", "vendor"):
            app_page.get_by_role("tab", name=i18n.t(f"ui.assumptions.{tab}", language)).click()
            shown = '[role="tabpanel"]:not([hidden]) [data-testid="stDataFrame"] .dvn-scroller'
            app_page.locator(shown).first.wait_for()  # the tab runs when opened
            settle(app_page)
            room = app_page.evaluate(GRID_ROOM)
            assert len(room) == 1, (tab, room)  # investments, team, rebate tiers
            assert room[0][0] <= room[0][1], (language, tab, room)
