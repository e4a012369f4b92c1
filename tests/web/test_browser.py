"""The website chat in a real browser: headless Chromium, the page from web/, a running bot.

What a customer does: open the page, read the welcome, describe the problem, answer the
bot's question with a button, and follow the link in the answer. And what must never
happen: markup typed into the chat runs, or the page makes a request that leaves this
machine (the widget asks for Google Fonts; the page must not let it).
"""

import json
import time
import urllib.parse
from pathlib import Path
from typing import Callable, List, Optional, TypeVar

import pytest
from selenium.common.exceptions import (
    NoAlertPresentException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.web.conftest import LOOPBACK_HOSTS

T = TypeVar("T")

PROBLEM = "Mein Handyvertrag wird im Kundencenter nicht angezeigt"
LINK = "https://www.telekom.de/kundencenter/login-verknuepfungen"
# Buttons the test clicks when the bot asks, by the start of their title, first match wins:
# the customer type ("Privat", "Privatkunde"), then "Ja" should the bot also ask whether a
# Kundencenter login exists.
ANSWERS = ("Privat", "Ja")
BOT_TIMEOUT = 30  # seconds for the bot's next message, the widget's delays included

BOT_MESSAGES = "#chat .rw-response .rw-message-text"
CLIENT_MESSAGES = "#chat .rw-client .rw-message-text"
QUICK_REPLIES = "#chat .rw-replies .rw-reply"
INPUT = "#chat textarea.rw-new-message"


def open_chat(browser: WebDriver, page_url: str, bot_url: str) -> None:
    """Opens the page pointed at the bot and waits for the welcome message."""
    browser.get(page_url + "?" + urllib.parse.urlencode({"bot": bot_url}))
    origin = page_url.rstrip("/")
    wait_for(
        browser,
        lambda: len(bot_messages(browser)) >= 1,
        f"no welcome message (does the bot's --cors allow {origin}? "
        "does its socketio channel await enter_room?)",
    )


def bot_messages(browser: WebDriver) -> List[str]:
    return [e.text for e in browser.find_elements(By.CSS_SELECTOR, BOT_MESSAGES)]


def client_messages(browser: WebDriver) -> List[str]:
    return [e.text for e in browser.find_elements(By.CSS_SELECTOR, CLIENT_MESSAGES)]


def quick_replies(browser: WebDriver) -> List[WebElement]:
    return [e for e in browser.find_elements(By.CSS_SELECTOR, QUICK_REPLIES) if e.is_displayed()]


def send(browser: WebDriver, text: str) -> None:
    box = browser.find_element(By.CSS_SELECTOR, INPUT)
    box.send_keys(text)
    box.send_keys(Keys.ENTER)


def wait_for(
    browser: WebDriver, condition: Callable[[], T], message: str, timeout: float = BOT_TIMEOUT
) -> T:
    """Polls condition until it returns something truthy; fails with what the bot said.

    An element that went stale while the widget re-rendered just means: look again.
    """
    wait = WebDriverWait(
        browser, timeout, poll_frequency=0.2, ignored_exceptions=[StaleElementReferenceException]
    )
    try:
        return wait.until(lambda _: condition())
    except TimeoutException:
        pytest.fail(f"{message} within {timeout} s; bot messages: {bot_messages(browser)}")


def wait_until_bot_is_done(browser: WebDriver, quiet: float = 2.5) -> None:
    """Waits until no new bot message came for `quiet` seconds (the widget re-renders
    the conversation for each message, so elements found before may go stale)."""
    last = {"count": -1, "since": time.monotonic()}

    def settled() -> bool:
        count = len(bot_messages(browser))
        if count != last["count"]:
            last.update(count=count, since=time.monotonic())
        return time.monotonic() - last["since"] >= quiet

    wait_for(browser, settled, "the bot kept talking")


def answer_link(browser: WebDriver) -> Optional[WebElement]:
    """The link to the page 'Login-Verknüpfungen' in a bot message, once it is there."""
    links = browser.find_elements(By.CSS_SELECTOR, "#chat .rw-response a[href]")
    matching = [a for a in links if a.get_attribute("href") == LINK]
    return matching[0] if matching else None


def next_step(browser: WebDriver, clicked: List[str]) -> Optional[WebElement]:
    """Clicks the preferred quick reply if the bot offers one; returns the link when shown."""
    link = answer_link(browser)
    if link is not None:
        return link
    buttons = quick_replies(browser)
    for answer in ANSWERS:
        for button in buttons:
            title = button.text.strip()
            if title.startswith(answer):
                button.click()
                clicked.append(title)
                # The widget removes the quick replies once one is chosen.
                WebDriverWait(browser, 5).until(expected_conditions.staleness_of(button))
                return None
    return None


NETWORK_SCHEMES = {"http", "https", "ws", "wss"}


def page_requests_leaving_localhost(browser: WebDriver) -> List[str]:
    """URLs the page asked the network for, off loopback, from the DevTools log.

    A request that Chromium blocked before sending (the widget's Google Fonts @import,
    refused by the page's Content-Security-Policy) did not leave and is not listed.
    Reading the log empties it.
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
    assert bot_messages(browser)[0].strip(), "the welcome message is empty"
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


def reach_the_answer(browser: WebDriver, page_url: str, bot_url: str) -> List[str]:
    """Describes the problem, answers the bot's questions with buttons until the link to
    'Login-Verknüpfungen' is there and the bot is done; returns the buttons clicked."""
    open_chat(browser, page_url, bot_url)
    send(browser, PROBLEM)
    wait_for(browser, lambda: PROBLEM in client_messages(browser), "problem not shown")
    clicked: List[str] = []
    wait_for(browser, lambda: next_step(browser, clicked), f"no link to {LINK}")
    wait_until_bot_is_done(browser)
    return clicked


def save_whole_conversation(browser: WebDriver, path: Path) -> None:
    """Screenshot with the chat panel stretched so that no message is scrolled away."""
    height = browser.execute_script("return document.getElementById('rw-messages').scrollHeight")
    browser.execute_script(
        "document.querySelector('.chat-panel').style.height = arguments[0] + 'px'", height + 160
    )
    browser.set_window_size(1280, height + 520)
    browser.save_screenshot(str(path))


def test_problem_button_answer_with_link_in_new_tab(
    browser: WebDriver, page_url: str, bot_url: str, tripwire, screenshot_dir: Path
) -> None:
    clicked = reach_the_answer(browser, page_url, bot_url)

    customer_type = [title for title in clicked if title.startswith("Privat")]
    assert customer_type, f"the bot never offered a button 'Privat…' (clicked {clicked})"
    assert customer_type[0] in client_messages(browser), "the clicked answer is not shown"
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
        "return Array.from(document.querySelectorAll('#chat .rw-messages-container img'))"
        ".map(img => [img.src, img.complete && img.naturalWidth > 0])"
    )
    broken = [src for src, loaded in pictures if not loaded]
    assert broken == [], f"pictures that did not load in a page at {page_url}: {broken}"

    if pictures:
        tabs_before = len(browser.window_handles)
        browser.find_element(By.CSS_SELECTOR, "#chat img.rw-image-frame").click()
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
    replies_before = len(bot_messages(browser))
    send(browser, markup)

    wait_for(browser, lambda: markup in client_messages(browser), "message not shown as text")
    wait_for(browser, lambda: len(bot_messages(browser)) > replies_before, "bot did not answer")
    with pytest.raises(NoAlertPresentException):
        _ = browser.switch_to.alert.text
    injected = browser.execute_script(
        "return document.querySelectorAll('#chat img[src=\"x\"], #chat script, [onerror]').length"
    )
    assert injected == 0, "the markup became elements of the page"
