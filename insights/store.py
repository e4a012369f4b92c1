"""The tracker store the bot writes, read for the report.

The connection comes from the variables endpoints.yml uses (TRACKER_STORE_DIALECT, _HOST,
_DB, _USER, _PASSWORD), turned into a URL by Rasa's own SQLTrackerStore.get_db_url, so the
report reads exactly the store the bot writes: SQLite by default, PostgreSQL at scale.

One query, in the order the events were written, carries only what the figures need. The
JSON in `data` is read by the database (SQLite's json_extract, PostgreSQL's jsonb), not by
Python: on a store of 100,000 simulated conversations (3.3 million events, made as in
benchmarks/report_speed.py) the whole query took 7 s, json.loads of those rows' JSON alone 16 s.
"""

import os
import warnings
from pathlib import Path
from typing import Iterator, NamedTuple, Optional, Tuple

import sqlalchemy as sa

# What the figures read: customer messages, bot responses, session starts, and these slots.
SLOTS_READ = ("diagnosis", "handover_reason", "gave_up", "requested_slot")
# Below this NLU confidence a message is listed as one the NLU was unsure of; the fallback
# (config.yml) takes what is below 0.3. Between the two are the near misses worth labelling.
UNSURE_BELOW = 0.5
FALLBACK_INTENT = "nlu_fallback"
# Rows per fetch: memory stays bounded on any store, round trips stay few.
BATCH_ROWS = 20_000


class Row(NamedTuple):
    """One event as the figures see it. `value` is the user message's NLU confidence, the
    bot response's name (metadata utter_action) or the slot's value, by `type_name`."""

    sender_id: str
    type_name: str
    timestamp: float
    intent_name: Optional[str]
    name: Optional[str]  # the slot's name for slot events
    value: object
    payload: bool  # a user message that is a button payload ("/inform{...}"), not typed text
    text: Optional[str]  # the masked text, only for messages the NLU was unsure of
    guess: Optional[str]  # for a fallback: the intent the classifier ranked first
    guess_confidence: object


def engine_from_environment() -> sa.engine.Engine:
    """The store of endpoints.yml's variables, as Rasa would open it."""
    from rasa.core.tracker_store import SQLTrackerStore

    with warnings.catch_warnings():
        # Rasa 3.6 builds the URL with SQLAlchemy's deprecated constructor; nothing to act on.
        warnings.simplefilter("ignore", DeprecationWarning)
        url = SQLTrackerStore.get_db_url(
            dialect=os.environ.get("TRACKER_STORE_DIALECT") or "sqlite",
            host=os.environ.get("TRACKER_STORE_HOST") or None,
            db=os.environ.get("TRACKER_STORE_DB") or "rasa.db",
            username=os.environ.get("TRACKER_STORE_USER") or None,
            password=os.environ.get("TRACKER_STORE_PASSWORD") or None,
        )
    return sa.create_engine(url)


def describe(engine: sa.engine.Engine) -> str:
    """Where the figures come from, for the report's header; never the password."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        return f"SQLite {url.database}"
    return f"{url.get_backend_name()} {url.host}:{url.port or ''}/{url.database}"


def _json(dialect: str, *path: str) -> str:
    """The SQL for one value in the event's JSON, as text or number."""
    if dialect == "sqlite":
        steps = "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in path)
        return f"json_extract(data, '${steps}')"
    return f"(j.doc #>> '{{{','.join(path)}}}')"


def _query(dialect: str) -> str:
    confidence = _json(dialect, "parse_data", "intent", "confidence")
    text = _json(dialect, "text")
    unsure = f"(intent_name = '{FALLBACK_INTENT}' OR CAST({confidence} AS FLOAT) < {UNSURE_BELOW})"
    slots = ", ".join(f"'{slot}'" for slot in SLOTS_READ)
    # PostgreSQL parses each row's JSON once into jsonb; SQLite caches the parsed document
    # between the json_extract calls on one row.
    source = (
        "events"
        if dialect == "sqlite"
        else "events CROSS JOIN LATERAL (SELECT CAST(data AS jsonb) AS doc) AS j"
    )
    start, end = (":start", ":end") if dialect == "sqlite" else ("%(start)s", "%(end)s")
    return f"""
        SELECT sender_id, type_name, timestamp, intent_name, action_name,
          CASE type_name
            WHEN 'user' THEN {confidence}
            WHEN 'bot' THEN {_json(dialect, "metadata", "utter_action")}
            WHEN 'slot' THEN {_json(dialect, "value")}
          END,
          CASE WHEN type_name = 'user' THEN substr({text}, 1, 1) = '/' END,
          CASE WHEN type_name = 'user' AND {unsure} THEN {text} END,
          CASE WHEN type_name = 'user' AND intent_name = '{FALLBACK_INTENT}'
            THEN {_json(dialect, "parse_data", "intent_ranking", "1", "name")} END,
          CASE WHEN type_name = 'user' AND intent_name = '{FALLBACK_INTENT}'
            THEN {_json(dialect, "parse_data", "intent_ranking", "1", "confidence")} END
        FROM {source}
        WHERE timestamp >= {start} AND timestamp < {end}
          AND (type_name IN ('user', 'bot', 'session_started')
               OR (type_name = 'slot' AND action_name IN ({slots})))
        ORDER BY id
    """


def read_events(engine: sa.engine.Engine, window: Tuple[float, float]) -> Iterator[tuple]:
    """Every event of the time window that the figures read, in the order it was stored,
    as plain tuples in the fields of Row: SQLAlchemy's own rows took twice the time of the
    query over 100,000 conversations, the driver's cursor adds almost nothing."""
    dialect = engine.dialect.name
    # Reading must not create the SQLite file a bot has not written yet.
    if dialect == "sqlite" and not Path(engine.url.database or "").is_file():
        return
    if not sa.inspect(engine).has_table("events"):
        return
    connection = engine.raw_connection()
    try:
        # PostgreSQL: a server-side cursor, so the rows come in batches, not all at once.
        cursor = connection.cursor("insights") if dialect == "postgresql" else connection.cursor()
        cursor.execute(_query(dialect), {"start": window[0], "end": window[1]})
        while True:
            batch = cursor.fetchmany(BATCH_ROWS)
            if not batch:
                break
            yield from batch
        cursor.close()
    finally:
        connection.close()
