"""The website chat (web/) as the browser tests use it: what to find, what to do, what to wait for."""

import time
import urllib.parse
from typing import Callable, Dict, List, Optional, TypeVar

import pytest
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

T = TypeVar("T")

PROBLEM = "Mein Handyvertrag wird im Kundencenter nicht angezeigt"
LINK = "https://www.telekom.de/kundencenter/login-verknuepfungen"
# Buttons the tests choose when the bot asks, by the start of their title, first match wins:
# the customer type ("Privat", "Privatkunde"), then "Ja" should the bot also ask whether a
# Kundencenter login exists.
ANSWERS = ("Privat", "Ja")
BOT_TIMEOUT = 30  # seconds for the bot's next message, the widget's delays included

INPUT = "#chat-input"
REPLIES = "#chat-replies button"
BOT_LINKS = "#chat-messages .chat-message-bot a[href]"
PICTURES = "#chat-messages .chat-message-bot img"
TYPING = "#chat-typing"
ANNOUNCER = "#chat-announcer"

# Messages as {"from": "bot" | "client", "text": ..., "image": ...}: the text without the
# words only a screen reader hears, so that tests compare what the customer reads.
_TRANSCRIPT = """
return Array.from(document.querySelectorAll('#chat-messages > li')).map(item => {
  const bubble = item.querySelector('.chat-bubble');
  let text = '';
  if (bubble) {
    const copy = bubble.cloneNode(true);
    copy.querySelectorAll('.visually-hidden').forEach(hidden => hidden.remove());
    text = copy.innerText.trim();
  }
  const image = item.querySelector('img');
  return {
    from: item.classList.contains('chat-message-bot') ? 'bot' : 'client',
    text: text,
    image: image ? image.getAttribute('src') : null,
  };
});
"""


def open_chat(browser: WebDriver, page_url: str, bot_url: str) -> None:
    """Opens the page pointed at the bot and waits for the welcome message."""
    browser.get(page_url + "?" + urllib.parse.urlencode({"bot": bot_url}))
    origin = page_url.rstrip("/")
    wait_for(
        browser,
        lambda: bot_texts(browser),
        f"no welcome message (does the bot's --cors allow {origin}? "
        "does its socketio channel await enter_room?)",
    )


def transcript(browser: WebDriver) -> List[Dict[str, Optional[str]]]:
    return browser.execute_script(_TRANSCRIPT)


def bot_texts(browser: WebDriver) -> List[str]:
    return [m["text"] for m in transcript(browser) if m["from"] == "bot" and m["text"]]


def client_texts(browser: WebDriver) -> List[str]:
    return [m["text"] for m in transcript(browser) if m["from"] == "client"]


def reply_buttons(browser: WebDriver) -> List[WebElement]:
    return [e for e in browser.find_elements(By.CSS_SELECTOR, REPLIES) if e.is_displayed()]


def send(browser: WebDriver, text: str) -> None:
    box = browser.find_element(By.CSS_SELECTOR, INPUT)
    box.send_keys(text)
    box.send_keys(Keys.ENTER)


def wait_for(
    browser: WebDriver, condition: Callable[[], T], message: str, timeout: float = BOT_TIMEOUT
) -> T:
    """Polls condition until it returns something truthy; fails with what the bot said."""
    wait = WebDriverWait(
        browser, timeout, poll_frequency=0.2, ignored_exceptions=[StaleElementReferenceException]
    )
    try:
        return wait.until(lambda _: condition())
    except TimeoutException:
        pytest.fail(f"{message} within {timeout} s; bot messages: {bot_texts(browser)}")


def typing_shown(browser: WebDriver) -> bool:
    return browser.find_element(By.CSS_SELECTOR, TYPING).is_displayed()


def wait_until_bot_is_done(browser: WebDriver, quiet: float = 2.0) -> None:
    """Waits until the typing indicator is gone and no message came for `quiet` seconds."""
    last = {"count": -1, "since": time.monotonic()}

    def settled() -> bool:
        count = len(transcript(browser))
        if count != last["count"] or typing_shown(browser):
            last.update(count=count, since=time.monotonic())
        return time.monotonic() - last["since"] >= quiet

    wait_for(browser, settled, "the bot kept talking")


def wait_for_replies(browser: WebDriver) -> List[WebElement]:
    return wait_for(browser, lambda: reply_buttons(browser), "no answer buttons")


def answer_link(browser: WebDriver) -> Optional[WebElement]:
    """The link to the page 'Login-Verknüpfungen' in a bot message, once it is there."""
    links = browser.find_elements(By.CSS_SELECTOR, BOT_LINKS)
    matching = [a for a in links if a.get_attribute("href") == LINK]
    return matching[0] if matching else None


def preferred_reply(buttons: List[WebElement]) -> Optional[WebElement]:
    for answer in ANSWERS:
        for button in buttons:
            if button.text.strip().startswith(answer):
                return button
    return None


def next_step(browser: WebDriver, clicked: List[str]) -> Optional[WebElement]:
    """Clicks the preferred answer button if the bot offers one; returns the link when shown."""
    link = answer_link(browser)
    if link is not None:
        return link
    button = preferred_reply(reply_buttons(browser))
    if button is not None:
        clicked.append(button.text.strip())
        button.click()
        # The buttons go away once one is chosen.
        wait_for(browser, lambda: button not in reply_buttons(browser), "buttons stayed", 5)
    return None


def answer_questions_until_the_link(browser: WebDriver) -> List[str]:
    """Answers the bot's questions with buttons until the link to 'Login-Verknüpfungen' is
    there and the bot is done; returns the buttons clicked."""
    clicked: List[str] = []
    wait_for(browser, lambda: next_step(browser, clicked), f"no link to {LINK}")
    wait_until_bot_is_done(browser)
    return clicked


def reach_the_answer(browser: WebDriver, page_url: str, bot_url: str) -> List[str]:
    """Opens the chat, describes the problem and answers with buttons up to the answer with
    the link and the picture; returns the buttons clicked."""
    open_chat(browser, page_url, bot_url)
    wait_until_bot_is_done(browser)
    send(browser, PROBLEM)
    wait_for(browser, lambda: PROBLEM in client_texts(browser), "problem not shown")
    return answer_questions_until_the_link(browser)
