"""`make report` on PostgreSQL, the scale-out profile's store: known conversations played
through the real bot on a fresh cluster, the numbers checked; and the same events copied to
SQLite give the same figures, so the two dialects' JSON reading agree.

Run by `make test-scale` (marker `scale`): it installs PostgreSQL from Debian's packages when
missing.
"""

from pathlib import Path
from typing import Dict, Iterator

import pytest

from benchmarks.report_speed import write_store
from tests.bot_server import Bot, free_port
from tests.insights.conftest import (
    FALLBACK_TEXTS,
    PLAYED,
    check_played_as_planned,
    make_report,
    play,
    sqlite_environment,
)
from tests.scale.services import install_missing, postgres

pytestmark = pytest.mark.scale

PLAN = [
    p
    for p in PLAYED
    if p.name in ("helped-button", "not-helped", "person", "other-topic", "fallback")
]
SUMMARY = {
    "conversations": "5",
    "conversations_with_diagnosis": "2",
    "conversations_handed_over": "2",
    "messages": "11",
    "typed_messages": "10",
    "fallback_messages": "1",
    "out_of_scope_messages": "1",
    "turns_to_answer_median": "2.5",
    "turns_to_answer_p90": "3",
}


class PostgresBot(Bot):
    def __init__(self, log_dir: Path, stores: Dict[str, str]):
        super().__init__(free_port(), free_port(), "pg-report-token", log_dir)
        self.stores = stores

    def environment(self) -> Dict[str, str]:
        return {**super().environment(), **self.stores}


@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> Iterator[Dict[str, str]]:
    log_dir = tmp_path_factory.mktemp("pg-report")
    install_missing(log_dir / "apt.log")
    with postgres(log_dir) as pg:
        yield {
            "TRACKER_STORE_DIALECT": "postgresql",
            "TRACKER_STORE_HOST": f"127.0.0.1:{pg.port}",
            "TRACKER_STORE_DB": pg.database,
            "TRACKER_STORE_USER": pg.user,
            "TRACKER_STORE_PASSWORD": pg.password,
        }


@pytest.fixture(scope="module")
def played(stores, tmp_path_factory) -> Dict[str, str]:
    bot = PostgresBot(tmp_path_factory.mktemp("pg-bot"), stores)
    try:
        bot.start_actions()
        bot.start_rasa()
        _, trackers = play(bot, PLAN)
    finally:
        bot.stop_all()
    check_played_as_planned(PLAN, trackers)
    return stores


def test_report_on_postgresql_is_what_was_played(played, tmp_path):
    report = make_report(played, tmp_path)
    summary = report.summary()
    assert {key: summary[key] for key in SUMMARY} == SUMMARY
    assert {r["diagnosis"]: (r["yes"], r["no"], r["none"]) for r in report.csv["helped"]} == {
        "link_as_owner": ("1", "0", "0"),
        "replace_user_link": ("0", "1", "0"),
    }
    assert {r["reason"]: r["conversations"] for r in report.csv["handovers"]} == {
        "asked_for_person": "1",
        "not_helped": "1",
        "loop_breaker": "0",
    }
    assert {r["last_question"]: r["conversations"] for r in report.csv["ended_without_answer"]} == {
        "customer_type": "1",
        "": "2",
    }
    assert [(r["text"], r["intent"]) for r in report.csv["unsure_messages"]][0] == (
        FALLBACK_TEXTS[0],
        "nlu_fallback",
    )
    assert f"postgresql 127.0.0.1:{played['TRACKER_STORE_HOST'].split(':')[1]}" in (
        report.html_path.read_text(encoding="utf-8")
    )


def test_the_same_events_in_sqlite_give_the_same_figures(played, tmp_path):
    import psycopg2

    host, port = played["TRACKER_STORE_HOST"].split(":")
    with (
        psycopg2.connect(
            host=host,
            port=int(port),
            dbname=played["TRACKER_STORE_DB"],
            user=played["TRACKER_STORE_USER"],
            password=played["TRACKER_STORE_PASSWORD"],
        ) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "SELECT sender_id, type_name, timestamp, intent_name, action_name, data "
            "FROM events ORDER BY id"
        )
        rows = cursor.fetchall()
    write_store(tmp_path / "copy.db", iter(rows))
    from_postgres = make_report(played, tmp_path / "pg")
    from_sqlite = make_report(sqlite_environment(tmp_path / "copy.db"), tmp_path / "sqlite")
    assert from_sqlite.csv == from_postgres.csv
