"""Personal data a customer pastes are masked before anything keeps them: neither the
tracker store nor the server's logs hold them, over REST and the website chat alike."""

from tests.bot_server import http
from tests.serving.helpers import ASK_CUSTOMER_TYPE, all_text, new_sender
from tests.serving.test_faults import say
from tests.serving.test_socketio import chat

PERSONAL = [
    "0151 23456789",
    "4711081512",
    "max.mustermann@example.de",
    "DE89370400440532013000",
    "Sommer2023",
]
MESSAGE = (
    "Mein Vertrag mit der Rufnummer 0151 23456789 und Kundennummer 4711081512 fehlt im "
    "Kundencenter, meine Mail ist max.mustermann@example.de, IBAN DE89370400440532013000, "
    "Passwort: Sommer2023"
)


def stored_and_logged(bot) -> str:
    files = [*bot.log_dir.glob("tracker.db*"), *bot.log_dir.glob("*.log")]
    return "\n".join(
        path.read_bytes().decode("utf-8", "replace") for path in files if path.exists()
    )


def test_rest_keeps_only_placeholders_and_still_understands_the_problem(bot):
    sender = new_sender("privacy-rest")
    replies = say(bot, sender, MESSAGE)
    assert ASK_CUSTOMER_TYPE in all_text(replies)  # the problem is understood as without the data
    [text] = [e["text"] for e in bot.tracker(sender)["events"] if e["event"] == "user"]
    assert "[Rufnummer]" in text and "[Kundennummer]" in text and "[E-Mail]" in text
    kept = stored_and_logged(bot)
    assert [p for p in PERSONAL if p in kept] == []


async def test_the_website_chat_masks_alike(bot):
    await chat(bot, MESSAGE, ASK_CUSTOMER_TYPE)
    kept = stored_and_logged(bot)
    assert [p for p in PERSONAL if p in kept] == []


def erase(bot, sender, token=None):
    query = f"?token={token}" if token else ""
    return http("DELETE", f"{bot.url}/conversations/{sender}{query}")[0]


def test_a_conversation_is_erased_on_request_with_the_api_token_only(bot):
    sender = new_sender("privacy-erase")
    say(bot, sender, MESSAGE)
    assert erase(bot, sender) == 401
    assert erase(bot, sender, "wrong-token") == 401
    assert any(e["event"] == "user" for e in bot.tracker(sender)["events"])

    assert erase(bot, sender, bot.token) == 204
    assert not any(e["event"] == "user" for e in bot.tracker(sender)["events"])
    assert erase(bot, new_sender("privacy-unknown"), bot.token) == 404
    # The customer can start afresh.
    assert ASK_CUSTOMER_TYPE in all_text(say(bot, sender, MESSAGE))


def test_the_first_reply_says_automated_masked_and_how_long_it_is_kept(bot):
    first = all_text(say(bot, new_sender("privacy-notice"), "Hallo"))
    assert "automatischen Assistenten" in first
    assert "30 Tage nach Ihrer letzten Nachricht gelöscht" in first
    assert first.index("automatischen Assistenten") < first.index("Kundencenter-Assistent")


def test_a_person_asked_for_gets_the_case_note_in_masked_words(bot):
    sender = new_sender("person")
    say(bot, sender, "da steht nur Nutzer, meine Rufnummer ist 0151 23456789")
    reply = all_text(say(bot, sender, "Ich will mit einem Menschen sprechen"))
    assert "Geben Sie dem Kundenservice bitte diese Notiz" in reply
    assert (
        "Anliegen in den Worten des Kunden: da steht nur Nutzer, meine Rufnummer ist [Rufnummer]"
        in reply
    )
    assert "0151" not in reply
