"""The website chat for everyone: WCAG 2.1 level AA, measured in the real browser.

Customer channels of telecommunication services must be accessible (Barrierefreiheits-
stärkungsgesetz, EN 301 549, i.e. WCAG 2.1 AA). What is checked here, each with what a
person needs it for:
- axe-core finds no violation of the WCAG 2.0/2.1 A and AA rules after the welcome, after a
  question with buttons and after the answer with link and picture;
- a whole conversation works with Tab, Shift+Tab, Enter and Space alone, the question's
  buttons the next stops after the input, every stop with a visible focus ring, no trap;
- a screen reader hears the bot's messages (a polite live region) and finds names for the
  chat, the input, the buttons, the picture and links that open a new tab;
- at 320 px width and at 200 % zoom nothing scrolls sideways (screenshots of both in
  tests/web/screenshots/), and prefers-reduced-motion stops every animation;
- a reload keeps the conversation, and a typing indicator shows while the bot works.

axe-core comes from web/node_modules (pinned by web/package-lock.json) and is loaded into the
page by these tests only; the page itself never loads it.
"""

import itertools
from pathlib import Path
from typing import Dict, List

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from tests.web.chat_page import (
    ANNOUNCER,
    BOT_LINKS,
    INPUT,
    LINK,
    PICTURES,
    PROBLEM,
    answer_link,
    answer_questions_until_the_link,
    bot_texts,
    client_texts,
    open_chat,
    preferred_reply,
    reach_the_answer,
    reply_buttons,
    send,
    transcript,
    typing_shown,
    wait_for,
    wait_for_replies,
    wait_until_bot_is_done,
)

AXE_SCRIPT = "node_modules/axe-core/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# No bot listens there (the discard port): for what the page shows before it is connected.
NO_BOT = "http://127.0.0.1:9"

_RUN_AXE = """
const [src, tags, done] = arguments;
const short = rule => ({id: rule.id, nodes: rule.nodes.map(node => node.target.join(' '))});
function run() {
  axe.run(document, {runOnly: {type: 'tag', values: tags},
                     resultTypes: ['violations', 'incomplete']})
    .then(r => done({violations: r.violations.map(short), incomplete: r.incomplete.map(short)}),
          error => done({error: String(error)}));
}
if (window.axe) {
  run();
} else {
  const script = document.createElement('script');
  script.src = src;
  script.onload = run;
  script.onerror = () => done({error: 'axe-core did not load from ' + src});
  document.head.appendChild(script);
}
"""


def axe_findings(browser: WebDriver) -> Dict[str, List[str]]:
    """Rule id -> elements for each failing WCAG 2.0/2.1 A or AA rule. A text contrast axe
    could not decide (text on a picture, say) counts too: nobody has checked it then."""
    browser.set_script_timeout(90)
    result = browser.execute_async_script(_RUN_AXE, AXE_SCRIPT, WCAG_TAGS)
    if "error" in result:
        pytest.fail(result["error"])
    findings = {rule["id"]: rule["nodes"] for rule in result["violations"]}
    for rule in result["incomplete"]:
        if rule["id"] == "color-contrast":
            findings["color-contrast (undecided)"] = rule["nodes"]
    return findings


def test_axe_finds_no_wcag_violation_in_a_conversation(
    browser: WebDriver, page_url: str, bot_url: str
) -> None:
    findings = {}
    open_chat(browser, page_url, bot_url)
    wait_until_bot_is_done(browser)
    findings["after the welcome"] = axe_findings(browser)

    send(browser, PROBLEM)
    wait_for_replies(browser)
    wait_until_bot_is_done(browser)
    findings["after a question with buttons"] = axe_findings(browser)

    answer_questions_until_the_link(browser)
    assert browser.find_elements(By.CSS_SELECTOR, PICTURES), "the answer shows no picture"
    findings["after the answer with link and picture"] = axe_findings(browser)

    assert findings == {state: {} for state in findings}


def test_axe_finds_what_the_chat_once_had(browser: WebDriver, page_url: str) -> None:
    """The check above can fail: the two critical findings of rasa-webchat (a button
    without a name, a chat picture without alternative text), put back, are found."""
    browser.get(f"{page_url}?bot={NO_BOT}")
    browser.execute_script(
        "document.getElementById('chat-messages').insertAdjacentHTML('beforeend',"
        ' \'<li><button type="button"></button><img src="img/vertragsinhaber-verknuepfung.png"></li>\')'
    )
    assert {"button-name", "image-alt"} <= set(axe_findings(browser))


# --- keyboard ---

_FOCUS = """
const el = document.activeElement;
const style = getComputedStyle(el);
return {
  id: el.id,
  tag: el.tagName.toLowerCase(),
  text: (el.innerText || '').trim(),
  href: el.getAttribute('href'),
  in_chat: document.getElementById('chat').contains(el),
  in_replies: document.getElementById('chat-replies').contains(el),
  ring: el.matches(':focus-visible') && style.outlineStyle !== 'none'
        && parseFloat(style.outlineWidth) >= 2,
};
"""


def press(browser: WebDriver, key: str, shift: bool = False) -> dict:
    """Presses a key as a person would (real key events); returns what has the focus then."""
    actions = ActionChains(browser)
    if shift:
        actions.key_down(Keys.SHIFT).send_keys(key).key_up(Keys.SHIFT)
    else:
        actions.send_keys(key)
    actions.perform()
    return browser.execute_script(_FOCUS)


def tab_until(browser: WebDriver, reached, limit: int, shift: bool = False) -> List[dict]:
    """Tabs (or Shift+Tabs) until `reached(focus)`; every stop must show its focus ring."""
    stops = []
    for _ in range(limit):
        focus = press(browser, Keys.TAB, shift)
        stops.append(focus)
        if focus["tag"] != "body":
            assert focus["ring"], f"no visible focus on {focus}"
        if reached(focus):
            return stops
    pytest.fail(f"not reached with {limit} presses of {'Shift+' * shift}Tab: {stops}")


def is_input(focus: dict) -> bool:
    return focus["id"] == INPUT.lstrip("#")


def choose_by_keyboard(browser: WebDriver, key: str) -> str:
    """From the input: the next Tabs are the send button, then the question's buttons in
    their order, then out of the chat (no trap) and back; chooses the preferred button with
    `key`; the focus comes back to the input."""
    buttons = wait_for_replies(browser)
    titles = [button.text.strip() for button in buttons]
    choice = preferred_reply(buttons).text.strip()
    assert is_input(browser.execute_script(_FOCUS)), "the focus left the input"
    stops = tab_until(browser, lambda f: not f["in_chat"], limit=len(buttons) + 3)
    assert [stop["text"] for stop in stops[1:-1]] == titles, f"not the buttons in order: {stops}"
    tab_until(browser, is_input, limit=len(buttons) + 3, shift=True)
    assert press(browser, Keys.TAB)["id"] == "chat-send"
    focus = press(browser, Keys.TAB)
    assert focus["in_replies"] and focus["text"] == titles[0], f"after the send button: {focus}"
    while focus["text"] != choice:
        focus = press(browser, Keys.TAB)
        assert focus["in_replies"], f"{choice} not among the buttons after the input: {focus}"
    focus = press(browser, key)
    assert is_input(focus), f"after choosing {choice!r} the focus went to {focus}"
    wait_for(browser, lambda: choice in client_texts(browser), f"{choice} not sent")
    return choice


def test_a_whole_conversation_by_keyboard_alone(
    browser: WebDriver, page_url: str, bot_url: str
) -> None:
    open_chat(browser, page_url, bot_url)
    wait_until_bot_is_done(browser)

    # From the top of the page into the input field, a few stops at most.
    tab_until(browser, is_input, limit=6)
    ActionChains(browser).send_keys(PROBLEM).send_keys(Keys.ENTER).perform()
    wait_for(browser, lambda: PROBLEM in client_texts(browser), "Enter did not send")
    assert is_input(browser.execute_script(_FOCUS)), "sending moved the focus"

    keys = itertools.cycle([Keys.SPACE, Keys.ENTER])
    while wait_for(browser, lambda: answer_link(browser) or reply_buttons(browser), "no step"):
        if answer_link(browser) is not None:
            break
        choose_by_keyboard(browser, next(keys))
    wait_until_bot_is_done(browser)

    # The answer's link and picture are in the conversation, before the input: Shift+Tab.
    stops = tab_until(browser, lambda f: f["href"] == LINK, limit=8, shift=True)
    assert all(stop["in_chat"] for stop in stops), stops
    chat_tab, tabs_before = browser.current_window_handle, len(browser.window_handles)
    press(browser, Keys.ENTER)
    wait_for(browser, lambda: len(browser.window_handles) > tabs_before, "Enter on the link")
    browser.switch_to.window(chat_tab)
    tab_until(browser, is_input, limit=8)

    # "Hat Ihnen das geholfen?" answered with its button, and the bot answers that.
    answered = len(bot_texts(browser))
    choose_by_keyboard(browser, Keys.ENTER)
    wait_for(browser, lambda: len(bot_texts(browser)) > answered, "no answer to the button")
    wait_until_bot_is_done(browser)

    # No trap: onwards from the input the focus leaves the chat, and backwards through the
    # whole chat too.
    tab_until(browser, lambda f: not f["in_chat"], limit=6)
    tab_until(browser, is_input, limit=12, shift=True)
    tab_until(browser, lambda f: not f["in_chat"], limit=12, shift=True)


# --- screen readers ---

_LIVE_REGION = """
const region = document.querySelector(arguments[0]);
if (!region) return null;
const style = getComputedStyle(region);
return {
  live: region.getAttribute('aria-live'),
  heard: style.display !== 'none' && style.visibility !== 'hidden'
         && !region.closest('[aria-hidden="true"]'),
  text: region.textContent,
};
"""


def live_region(browser: WebDriver) -> dict:
    return browser.execute_script(_LIVE_REGION, ANNOUNCER)


def test_a_screen_reader_hears_the_bot_and_finds_every_name(
    browser: WebDriver, page_url: str, bot_url: str
) -> None:
    # The region must be in the page before the first message: a screen reader announces
    # changes of a live region it already knows, not a region that appears with its text.
    browser.get(f"{page_url}?bot={NO_BOT}")
    region = live_region(browser)
    assert region and region["live"] == "polite" and region["heard"], region

    open_chat(browser, page_url, bot_url)
    wait_until_bot_is_done(browser)
    assert bot_texts(browser)[-1] in live_region(browser)["text"], "the welcome was not announced"

    send(browser, PROBLEM)
    buttons = wait_for_replies(browser)
    wait_until_bot_is_done(browser)
    announced = live_region(browser)["text"]
    assert bot_texts(browser)[-1] in announced, "the question was not announced"
    assert all(button.text in announced for button in buttons), "the buttons were not announced"
    assert PROBLEM not in announced, "the customer's own message was read back"

    for button in buttons:
        assert (button.tag_name, button.get_attribute("type")) == ("button", "button")
        assert button.accessible_name == button.text.strip()
    chat = browser.find_element(By.ID, "chat")
    assert (chat.aria_role, chat.accessible_name) == ("region", "Kundencenter-Assistent")
    assert browser.find_element(By.CSS_SELECTOR, INPUT).accessible_name.startswith("Ihre Nachricht")

    answer_questions_until_the_link(browser)
    picture = browser.find_element(By.CSS_SELECTOR, PICTURES)
    description = picture.get_attribute("alt")
    assert "Vertragsinhaber" in description and "Nutzer" in description, description
    links = browser.find_elements(By.CSS_SELECTOR, BOT_LINKS)
    assert links
    for link in links:
        assert link.get_attribute("target") == "_blank"
        assert "öffnet in neuem Tab" in link.accessible_name, link.accessible_name

    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de"
    other_languages = browser.execute_script(
        "return Array.from(document.querySelectorAll('[lang]')).map(e => e.lang)"
        ".filter(lang => !/^de(-|$)/.test(lang))"
    )
    assert other_languages == []


# --- looks ---

VIEWS = {
    # WCAG 1.4.10: 320 CSS px wide, what 1280 px are at 400 % zoom.
    "width-320px": {"width": 320, "height": 640, "deviceScaleFactor": 1},
    # Browser zoom at 200 % on a 1280 x 1000 window: half the CSS pixels, each drawn twice.
    "zoom-200": {"width": 640, "height": 500, "deviceScaleFactor": 2},
}

_WIDTHS = """
const page = document.scrollingElement, log = document.getElementById('chat-log');
const outside = Array.from(document.querySelectorAll(arguments[0]))
  .map(e => e.getBoundingClientRect())
  .filter(r => r.left < 0 || r.right > window.innerWidth + 0.5).length;
return {window: window.innerWidth, ratio: window.devicePixelRatio,
        page: [page.scrollWidth, page.clientWidth], log: [log.scrollWidth, log.clientWidth],
        outside: outside};
"""


@pytest.mark.parametrize("view", VIEWS, ids=list(VIEWS))
def test_narrow_and_zoomed_the_chat_fits_without_sideways_scrolling(
    browser: WebDriver, page_url: str, bot_url: str, screenshot_dir: Path, view: str
) -> None:
    metrics = VIEWS[view]
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "mobile": False})
    reach_the_answer(browser, page_url, bot_url)

    widths = browser.execute_script(_WIDTHS, "#chat-input, #chat-send, #chat-replies button")
    assert (widths["window"], widths["ratio"]) == (metrics["width"], metrics["deviceScaleFactor"])
    assert widths["page"][0] <= widths["page"][1], f"the page scrolls sideways: {widths}"
    assert widths["log"][0] <= widths["log"][1], f"the conversation scrolls sideways: {widths}"
    assert widths["outside"] == 0, f"input or buttons outside the window: {widths}"
    assert axe_findings(browser) == {}

    browser.execute_script("document.getElementById('chat').scrollIntoView()")
    browser.save_screenshot(str(screenshot_dir / f"{view}.png"))


_MOTION = """
return Array.from(document.querySelectorAll('*')).map(e => [e, getComputedStyle(e)])
  .filter(([e, s]) => s.animationName !== 'none'
          || s.transitionDuration.split(',').some(d => parseFloat(d) > 0)
          || s.scrollBehavior === 'smooth')
  .map(([e, s]) => e.id || e.className || e.tagName);
"""


def test_reduced_motion_stops_every_animation(browser: WebDriver, page_url: str) -> None:
    browser.get(f"{page_url}?bot={NO_BOT}")
    assert browser.execute_script(_MOTION), "nothing moves: this test would check nothing"
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]},
    )
    assert browser.execute_script(_MOTION) == []


# --- what chat users expect ---

_WATCH_TYPING = """
window.chatEvents = [];
new MutationObserver(() => {
  const typing = !document.getElementById('chat-typing').hidden;
  const count = document.querySelectorAll('#chat-messages .chat-message-bot').length;
  const last = window.chatEvents[window.chatEvents.length - 1];
  if (!last || last[0] !== typing || last[1] !== count) window.chatEvents.push([typing, count]);
}).observe(document.getElementById('chat'), {subtree: true, childList: true, attributes: true});
"""


def test_a_typing_indicator_shows_while_the_bot_works(
    browser: WebDriver, page_url: str, bot_url: str
) -> None:
    open_chat(browser, page_url, bot_url)
    wait_until_bot_is_done(browser)
    assert not typing_shown(browser)
    before = len([m for m in transcript(browser) if m["from"] == "bot"])

    browser.execute_script(_WATCH_TYPING)
    send(browser, PROBLEM)
    wait_for_replies(browser)
    wait_until_bot_is_done(browser)

    events = browser.execute_script("return window.chatEvents")
    first_reply = next((i for i, (_, count) in enumerate(events) if count > before), None)
    assert first_reply is not None, f"no reply seen: {events}"
    assert any(typing for typing, count in events[:first_reply]), (
        f"no typing indicator before the reply: {events}"
    )
    assert events[-1][0] is False, "the typing indicator stayed after the bot was done"
    assert "Der Assistent schreibt" in browser.find_element(By.ID, "chat-typing").get_attribute(
        "textContent"
    )


def test_the_conversation_survives_a_reload_in_the_same_tab(
    browser: WebDriver, page_url: str, bot_url: str
) -> None:
    open_chat(browser, page_url, bot_url)
    wait_until_bot_is_done(browser)
    send(browser, PROBLEM)
    titles = [button.text for button in wait_for_replies(browser)]
    wait_until_bot_is_done(browser)
    before = transcript(browser)

    browser.refresh()
    wait_for(browser, lambda: transcript(browser) == before, "the conversation is gone")
    assert [button.text for button in wait_for_replies(browser)] == titles
    wait_until_bot_is_done(browser)
    assert transcript(browser) == before, "the bot started over after the reload"

    # The bot goes on with the same conversation: it still knows the problem.
    answer_questions_until_the_link(browser)
    assert client_texts(browser)[0] == PROBLEM
