"""Nothing the bot keeps holds the personal data customers paste (issue 17, "Done when").

A conversation full of Rufnummern, Kunden- and Vertragsnummern, an e-mail address, an
IBAN, a date of birth, passwords, a PIN and an address goes through each way in: REST,
the website chat, Messenger, Telegram and the terminal. Then every cell of every table of
the SQLite tracker store, the store's files byte by byte, every line of both servers' logs
(at DEBUG, libraries included) and everything the bot sent back are searched for each
value (tests/privacy/personal_data.py says in which writings). One hit fails, naming where.
The same on PostgreSQL: tests/scale/test_no_personal_data_kept_postgres.py.
"""

import pytest

from channels.masking import mask
from tests.privacy.every_channel import CHANNELS, PROFILE_VALUES, play_with_debug_logs
from tests.privacy.kept import (
    PLACES,
    SQLITE_FILES,
    Kept,
    file_bytes,
    log_lines,
    replies,
    sqlite_rows,
)
from tests.privacy.personal_data import MESSAGES, PERSONAL_DATA, hits, readable

VALUES = tuple(personal.value for personal in PERSONAL_DATA) + PROFILE_VALUES


@pytest.fixture(scope="module")
def kept(tmp_path_factory) -> Kept:
    log_dir = tmp_path_factory.mktemp("privacy-sqlite")
    played = play_with_debug_logs(log_dir, MESSAGES)
    places = {
        "tracker store rows": sqlite_rows(log_dir / "tracker.db"),
        "tracker store files": file_bytes(log_dir, sorted(log_dir.glob(SQLITE_FILES))),
        "logs": log_lines(log_dir),
        "replies": replies(played),
    }
    return Kept(played, places)


@pytest.mark.parametrize("channel", CHANNELS)
def test_each_channel_stored_its_conversation_masked(kept, channel):
    # Without the conversation in the store, finding nothing in it would prove nothing.
    stored = kept.played[channel].stored
    assert stored == [mask(text) for text in MESSAGES]
    unmasked = [p.value for p, text in zip(PERSONAL_DATA, stored) if p.placeholder not in text]
    assert unmasked == []


def test_both_servers_logged_at_debug_and_rasa_the_masked_text(kept):
    # A search of logs that never held the customer's words would prove nothing either.
    at_debug = {
        place.location.split(":")[0] for place in kept.places["logs"] if " DEBUG " in place.text
    }
    assert {"rasa.log", "actions.log"} <= at_debug
    rasa_log = readable(
        "\n".join(p.text for p in kept.places["logs"] if p.location.startswith("rasa.log"))
    )
    assert [text for text in MESSAGES if mask(text) not in rasa_log] == []


@pytest.mark.parametrize("place", PLACES)
def test_no_personal_data_is_kept(kept, place):
    assert kept.places[place], f"nothing to search in the {place}"
    found = hits(kept.places[place], VALUES)
    assert not found, f"{len(found)} hits in the {place}:\n" + "\n".join(map(str, found[:50]))
