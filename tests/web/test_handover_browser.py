"""A person takes over in the website chat: the agent's message appears in the widget, the
bot is silent meanwhile, a wrongly signed message never reaches the page, and the bot is
back when the agent ends the hand-over. Against a bot with a fake agent desk."""

from tests.serving.fake_desk import agent_posts
from tests.serving.helpers import domain_text
from tests.web.chat_page import (
    PROBLEM,
    bot_texts,
    open_chat,
    send,
    wait_for,
    wait_until_bot_is_done,
)

AGENT_TAKES_OVER = domain_text("handover_agent")
AGENT_ENDED = domain_text("agent_ended")
AGENT_SAYS = "Guten Tag, hier ist Frau Berg vom Kundenservice."


def session_id(browser) -> str:
    return browser.execute_script(
        "return JSON.parse(sessionStorage.getItem('kundencenter-chat')).sessionId"
    )


def test_the_agent_takes_over_in_the_widget(browser, page_url, desk_bot, desk, screenshot_dir):
    open_chat(browser, page_url, desk_bot.url)
    send(browser, PROBLEM)
    wait_until_bot_is_done(browser)
    send(browser, "Ich möchte bitte mit einem Mitarbeiter sprechen")
    wait_for(browser, lambda: AGENT_TAKES_OVER in bot_texts(browser), "no hand-over message")
    conversation = session_id(browser)
    assert desk.posts(conversation, "handover"), "the desk never got the case"

    # While the agent has the conversation, the bot says nothing.
    wait_until_bot_is_done(browser)
    before = len(bot_texts(browser))
    send(browser, "Hallo, ist da jemand?")
    wait_until_bot_is_done(browser, quiet=4)
    assert len(bot_texts(browser)) == before, bot_texts(browser)[before:]

    # A message without the desk's signature is refused and never shown.
    status, _ = agent_posts(desk_bot, {"conversation_id": conversation, "text": "Fake"}, "wrong")
    assert status == 401
    status, _ = agent_posts(desk_bot, {"conversation_id": conversation, "text": AGENT_SAYS})
    assert status == 200
    wait_for(browser, lambda: AGENT_SAYS in bot_texts(browser), "the agent's message not shown")
    assert "Fake" not in bot_texts(browser)
    browser.save_screenshot(str(screenshot_dir / "agent-handover.png"))

    agent_posts(desk_bot, {"conversation_id": conversation, "end": True})
    wait_for(browser, lambda: AGENT_ENDED in bot_texts(browser), "no end of the hand-over")
    send(browser, "Privatkunde")
    wait_for(
        browser,
        lambda: any("Vertragsinhaber" in text for text in bot_texts(browser)[-3:]),
        "the bot did not answer again",
    )
