"""Personal data a customer pastes are masked before anything keeps them: neither the
tracker store nor the server's logs hold them, over REST and the website chat alike."""

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
