"""The report of the played store in headless Chromium, as the team opens it: from the disk,
with no network. Saves tests/insights/screenshots/report.png (the whole page) to look at."""

import json
import threading
from pathlib import Path
from typing import Iterator, List

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from tests.web.conftest import Tripwire, headless_chromium

SCREENSHOT = Path(__file__).resolve().parent / "screenshots" / "report.png"
# Chromium's limit for one screenshot is far above this; the report is about 3,000 px.
MAX_HEIGHT = 12_000


@pytest.fixture
def browser(tmp_path) -> Iterator[webdriver.Chrome]:
    tripwire = Tripwire()
    threading.Thread(target=tripwire.serve_forever, daemon=True).start()
    driver = headless_chromium(tmp_path / "profile", tripwire.address)
    try:
        yield driver
    finally:
        driver.quit()
        tripwire.shutdown()
        tripwire.server_close()


def requested_by(browser: webdriver.Chrome, page: str) -> List[str]:
    """What the page asked for, itself included, from the DevTools log; Chromium's own
    background requests (its new-tab page, update checks) belong to other documents."""
    urls = []
    for entry in browser.get_log("performance"):
        event = json.loads(entry["message"])["message"]
        params = event.get("params", {})
        if event["method"] == "Network.requestWillBeSent" and params.get("documentURL") == page:
            urls.append(params["request"]["url"])
    return urls


def test_report_in_chromium_loads_nothing_and_fits_the_window(browser, played_report):
    page = played_report.html_path.as_uri()
    browser.get(page)
    assert browser.title.startswith("Kundencenter-Assistent: Auswertung")

    cards = [card.text.split("\n") for card in browser.find_elements(By.CSS_SELECTOR, ".card")]
    assert cards[0] == ["11", "Gespräche"]
    assert cards[1] == ["45,5 %", "mit Diagnose (5)"]
    # The four charts are drawn, each as wide as the others and inside its section.
    charts = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert len(charts) == 4
    widths = {round(chart.size["width"]) for chart in charts}
    assert len(widths) == 1 and all(chart.size["height"] > 80 for chart in charts), widths
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, "the page is wider than the window"

    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, min(height + 120, MAX_HEIGHT))
    SCREENSHOT.parent.mkdir(exist_ok=True)
    browser.save_screenshot(str(SCREENSHOT))

    assert requested_by(browser, page) == [page]
    blocked = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert blocked == [], "the page tried something its Content-Security-Policy refused"
