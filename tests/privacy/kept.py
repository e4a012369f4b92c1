"""Everything the bot keeps, as places to search: each cell of each row of each table of
the tracker store (SQLite or PostgreSQL), the store's files byte by byte (SQLite keeps
deleted rows in free pages until they are overwritten), and each line of each log file.
"""

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List

from tests.privacy.every_channel import Played
from tests.privacy.personal_data import Place, lines_of

SQLITE_FILES = "tracker.db*"
# Where the search looks; each store's fixture fills them all.
PLACES = ("tracker store rows", "tracker store files", "logs", "replies")


@dataclass(frozen=True)
class Kept:
    played: Dict[str, Played]  # by channel
    places: Dict[str, List[Place]]  # by one of PLACES


def replies(played: Dict[str, Played]) -> List[Place]:
    return [Place(f"replies on {channel}", done.replies) for channel, done in played.items()]


def _cell_text(value: Any) -> str:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def _cells(store: str, table: str, columns: List[str], rows: Iterable[tuple]) -> List[Place]:
    return [
        Place(f"{store} table {table} row {number} column {column}", _cell_text(value))
        for number, row in enumerate(rows, 1)
        for column, value in zip(columns, row)
    ]


def sqlite_rows(database: Path) -> List[Place]:
    """Read-only, with its write-ahead log: what a reader of the file gets."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        places = []
        for table in tables:
            cursor = connection.execute(f'SELECT * FROM "{table}"')
            columns = [description[0] for description in cursor.description]
            places += _cells(database.name, table, columns, cursor)
        return places
    finally:
        connection.close()


def postgres_rows(connect: Dict[str, Any]) -> List[Place]:
    """Every table of every schema but PostgreSQL's own catalogues."""
    import psycopg2

    # psycopg2's connection as a context manager ends the transaction, not the connection.
    with closing(psycopg2.connect(**connect)) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
            " WHERE table_type = 'BASE TABLE'"
            " AND table_schema NOT IN ('pg_catalog', 'information_schema')"
            " ORDER BY 1, 2"
        )
        places = []
        for schema, table in cursor.fetchall():
            cursor.execute(f'SELECT * FROM "{schema}"."{table}"')
            columns = [description[0] for description in cursor.description]
            places += _cells("postgresql", f"{schema}.{table}", columns, cursor.fetchall())
        return places


def file_bytes(folder: Path, paths: Iterable[Path]) -> List[Place]:
    return [
        Place(str(path.relative_to(folder)), path.read_bytes().decode("utf-8", "replace"))
        for path in paths
    ]


def log_lines(folder: Path, but: str = SQLITE_FILES) -> List[Place]:
    """Each line of each file in the folder the servers log to, the store's files aside."""
    skipped = set(folder.glob(but))
    places = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path not in skipped:
            text = path.read_bytes().decode("utf-8", "replace")
            places += lines_of(str(path.relative_to(folder)), text)
    return places
