"""The website chat in a real browser: headless Chromium, the page from web/, a running bot.

What a customer does: open the page, read the welcome, describe the problem, answer the
bot's question with a button, and follow the link in the answer. And what must never
happen: markup typed into the chat runs, or the page makes a request that leaves this
machine. How the chat works for keyboard and screen reader users: test_accessibility.py.
"""

import json
import urllib.parse
from pathlib import Path
from typing import List

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.web.chat_page import (
    INPUT,
    LINK,
    PICTURES,
    answer_link,
    bot_texts,
    client_texts,
    open_chat,
    reach_the_answer,
    send,
    wait_for,
    wait_until_bot_is_done,
)
from tests.web.conftest import LOOPBACK_HOSTS

NETWORK_SCHEMES = {"http", "https", "ws", "wss"}


def page_requests_leaving_localhost(browser: WebDriver) -> List[str]:
    """URLs the page asked the network for, off loopback, from the DevTools log.

    A request that Chromium blocked before sending (refused by the page's
    Content-Security-Policy) did not leave and is not listed. Reading the log empties it.
    """
    urls, blocked = {}, set()
    for entry in browser.get_log("performance"):
        event = json.loads(entry["message"])["message"]
        params = event.get("params", {})
        if event["method"] == "Network.requestWillBeSent":
            urls[params["requestId"]] = params["request"]["url"]
        elif event["method"] == "Network.webSocketCreated":
            urls[params["requestId"]] = params["url"]
        elif event["method"] == "Network.loadingFailed" and params.get("blockedReason"):
            blocked.add(params["requestId"])
    return [
        url
        for request_id, url in urls.items()
        if request_id not in blocked
        and urllib.parse.urlsplit(url).scheme in NETWORK_SCHEMES
        and urllib.parse.urlsplit(url).hostname not in LOOPBACK_HOSTS
    ]


def test_page_opens_in_german_with_welcome_and_no_outside_request(
    browser: WebDriver, page_url: str, bot_url: str
) -> None:
    open_chat(browser, page_url, bot_url)

    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de"
    assert "Kundencenter" in browser.title
    assert bot_texts(browser)[0].strip(), "the welcome message is empty"
    assert browser.find_element(By.CSS_SELECTOR, INPUT).get_attribute("placeholder") == (
        "Ihre Nachricht …"
    )
    errors = [
        entry["message"]
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE" and "Uncaught" in entry["message"]
    ]
    assert errors == [], f"JavaScript errors: {errors}"
    assert page_requests_leaving_localhost(browser) == []


def save_whole_conversation(browser: WebDriver, path: Path) -> None:
    """Screenshot with the chat panel stretched so that no message is scrolled away."""
    browser.execute_script(
        "const panel = document.getElementById('chat'), log = document.getElementById('chat-log');"
        "panel.style.height = (panel.offsetHeight - log.clientHeight + log.scrollHeight) + 'px';"
    )
    height = browser.execute_script("return document.scrollingElement.scrollHeight")
    browser.set_window_size(1280, height + 140)
    browser.save_screenshot(str(path))


def test_problem_button_answer_with_link_in_new_tab(
    browser: WebDriver, page_url: str, bot_url: str, tripwire, screenshot_dir: Path
) -> None:
    clicked = reach_the_answer(browser, page_url, bot_url)

    customer_type = [title for title in clicked if title.startswith("Privat")]
    assert customer_type, f"the bot never offered a button 'Privat…' (clicked {clicked})"
    assert customer_type[0] in client_texts(browser), "the clicked answer is not shown"
    link = answer_link(browser)
    assert link.is_displayed()
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in link.get_attribute("rel").split()
    assert page_requests_leaving_localhost(browser) == []
    save_whole_conversation(browser, screenshot_dir / "conversation.png")

    # Following the link opens a new tab whose request goes to the tripwire, not out.
    tabs_before = len(browser.window_handles)
    answer_link(browser).click()
    wait_for(browser, lambda: len(browser.window_handles) > tabs_before, "no new tab")
    wait_for(
        browser,
        lambda: any(line.startswith("CONNECT www.telekom.de:443 ") for line in tripwire.seen()),
        "the link's tab asked for no www.telekom.de",
        timeout=10,
    )


def test_pictures_in_the_answer_load_and_open_full_size(
    browser: WebDriver, page_url: str, bot_url: str
) -> None:
    """A picture the bot sends (the illustration of web/img/) must show, not a broken icon:
    its address has to be one the page may load (same origin, Content-Security-Policy).
    A click opens it full size in a new tab."""
    reach_the_answer(browser, page_url, bot_url)
    pictures = browser.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]))"
        ".map(img => [img.src, img.complete && img.naturalWidth > 0])",
        PICTURES,
    )
    assert pictures, f"the answer has no picture (is it still the one with {LINK}?)"
    broken = [src for src, loaded in pictures if not loaded]
    assert broken == [], f"pictures that did not load in a page at {page_url}: {broken}"

    tabs_before = len(browser.window_handles)
    browser.find_element(By.CSS_SELECTOR, PICTURES).click()
    wait_for(browser, lambda: len(browser.window_handles) > tabs_before, "no new tab")


@pytest.mark.parametrize(
    "markup",
    ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>"],
    ids=["img-onerror", "script-tag"],
)
def test_markup_in_a_message_is_shown_as_text_and_never_runs(
    browser: WebDriver, page_url: str, bot_url: str, markup: str
) -> None:
    open_chat(browser, page_url, bot_url)
    wait_until_bot_is_done(browser)
    replies_before = len(bot_texts(browser))
    send(browser, markup)

    wait_for(browser, lambda: markup in client_texts(browser), "message not shown as text")
    wait_for(browser, lambda: len(bot_texts(browser)) > replies_before, "bot did not answer")
    with pytest.raises(NoAlertPresentException):
        _ = browser.switch_to.alert.text
    injected = browser.execute_script(
        "return document.querySelectorAll('#chat img[src=\"x\"], #chat script, [onerror]').length"
    )
    assert injected == 0, "the markup became elements of the page"
