"""The terminal chat of `make chat` (channels/terminal.py) gets what customers get over REST."""

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from channels.terminal import buttons_of, exchange, message_for, render
from tests.serving.helpers import domain_text, new_sender

ROOT = Path(__file__).resolve().parents[2]
APOLOGY = domain_text("technical_problem")
CONVERSATION = ["Hallo", "Mein Handyvertrag wird im Kundencenter nicht angezeigt", "1", "2"]
REPLIES = [
    {
        "text": "Sind Sie Privat- oder Geschäftskunde?",
        "buttons": [
            {"title": "Privatkunde", "payload": '/inform{"customer_type":"privat"}'},
            {"title": "Geschäftskunde", "payload": '/inform{"customer_type":"geschaeft"}'},
        ],
    },
    {"image": "https://example.org/bild.png"},
]


def test_replies_are_shown_with_numbered_buttons_and_pictures_as_links():
    assert render(REPLIES) == [
        "Bot: Sind Sie Privat- oder Geschäftskunde?",
        "  1: Privatkunde",
        "  2: Geschäftskunde",
        "Bot: [Bild] https://example.org/bild.png",
    ]


@pytest.mark.parametrize(
    "typed, sent",
    [
        ("1", '/inform{"customer_type":"privat"}'),
        (" 2 ", '/inform{"customer_type":"geschaeft"}'),
        ("3", "3"),
        ("0", "0"),
        ("privat", "privat"),
    ],
)
def test_a_number_presses_a_listed_button_anything_else_is_sent_as_typed(typed, sent):
    assert message_for(typed, buttons_of(REPLIES)) == sent


def play_in_terminal(bot, sender, texts):
    replies, buttons = [], []
    for typed in texts:
        answer = asyncio.run(exchange(bot.url, sender, message_for(typed, buttons)))
        buttons = buttons_of(answer)
        replies.append(answer)
    return replies


def test_the_terminal_gets_the_same_replies_as_rest(bot):
    terminal = play_in_terminal(bot, new_sender("terminal"), CONVERSATION)
    rest, buttons = [], []
    sender = new_sender("rest")
    for typed in CONVERSATION:
        answer = bot.say(sender, message_for(typed, buttons))
        buttons = buttons_of(answer)
        rest.append(answer)

    def without_recipient(conversation):
        return [
            [{k: v for k, v in r.items() if k != "recipient_id"} for r in answer]
            for answer in conversation
        ]

    assert without_recipient(terminal) == without_recipient(rest)
    assert any(r.get("buttons") for r in terminal[1])  # the customer-type question had buttons
    assert bot.tracker(sender)["slots"]["diagnosis"] == "link_as_owner"


def test_the_terminal_shows_the_apology_when_the_action_server_is_down(bot):
    bot.stop("actions")
    try:
        typed = "Mein Handyvertrag wird im Kundencenter nicht angezeigt\n/stop\n"
        result = subprocess.run(
            [sys.executable, "-m", "channels.terminal", "--url", bot.url],
            input=typed,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        bot.start_actions()
    assert result.returncode == 0, result.stderr
    assert f"Bot: {APOLOGY}" in result.stdout
    # Nothing but the bot and the prompts: no warning of the pinned stack.
    assert "Warning" not in result.stdout + result.stderr
