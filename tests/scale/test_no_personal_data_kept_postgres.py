"""Nothing the bot keeps holds the personal data customers paste, on PostgreSQL.

tests/privacy/test_no_personal_data_kept.py's conversations and search, with the tracker
store in PostgreSQL: every cell of every table, the cluster's data files and write-ahead
log byte by byte, the logs of both servers and of PostgreSQL, and the replies.

Run by `make test-scale` (marker `scale`): it installs PostgreSQL from Debian's packages
when it is missing.
"""

from pathlib import Path

import pytest

from tests.privacy.every_channel import play_with_debug_logs
from tests.privacy.kept import Kept, file_bytes, log_lines, postgres_rows, replies
from tests.privacy.personal_data import MESSAGES

# The same tests, here given this module's `kept`.
from tests.privacy.test_no_personal_data_kept import (  # noqa: F401
    test_both_servers_logged_at_debug_and_rasa_the_masked_text,
    test_each_channel_stored_its_conversation_masked,
    test_no_personal_data_is_kept,
)
from tests.scale.services import Postgres, install_missing, postgres

pytestmark = pytest.mark.scale


def data_folder(pg: Postgres) -> Path:
    return Path(pg.pg_ctl[pg.pg_ctl.index("-D") + 1])


@pytest.fixture(scope="module")
def kept(tmp_path_factory) -> Kept:
    install_missing(tmp_path_factory.mktemp("apt") / "apt.log")
    log_dir = tmp_path_factory.mktemp("privacy-postgres")
    with postgres(log_dir) as pg:
        store = {
            "TRACKER_STORE_DIALECT": "postgresql",
            "TRACKER_STORE_HOST": f"127.0.0.1:{pg.port}",
            "TRACKER_STORE_DB": pg.database,
            "TRACKER_STORE_USER": pg.user,
            "TRACKER_STORE_PASSWORD": pg.password,
        }
        played = play_with_debug_logs(log_dir, MESSAGES, store)
        rows = postgres_rows(
            {
                "host": "127.0.0.1",
                "port": pg.port,
                "dbname": pg.database,
                "user": pg.user,
                "password": pg.password,
            }
        )
        # A fast shutdown ends with a checkpoint: every page is in the data files then.
        pg.stop()
        data = data_folder(pg)
        files = file_bytes(data, sorted(path for path in data.rglob("*") if path.is_file()))
    # PostgreSQL's log is copied into log_dir once the cluster is gone.
    places = {
        "tracker store rows": rows,
        "tracker store files": files,
        "logs": log_lines(log_dir),
        "replies": replies(played),
    }
    return Kept(played, places)
