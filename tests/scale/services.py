"""PostgreSQL and Redis for the scale-out test: Debian's packages, on loopback, in a temp folder.

Each server gets its own free port and its own data folder, so the test never touches a
server or data of the machine's own. Both are stopped when their context ends, also when
the test fails. As root (CI), PostgreSQL runs as the user ``postgres``: it refuses to run
as root.
"""

import glob
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

from tests.bot_server import free_port, stop_process

DEBIAN_PACKAGES = {"postgresql": "postgresql", "redis": "redis-server"}
START_TIMEOUT_S = 60


def postgres_bin_dir() -> Optional[Path]:
    """The newest PostgreSQL server installed by Debian's packages, if any."""
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(Path(path).parts[-3])
    )
    return Path(versions[-1]).parent if versions else None


def missing_packages() -> List[str]:
    missing = []
    if postgres_bin_dir() is None:
        missing.append(DEBIAN_PACKAGES["postgresql"])
    if shutil.which("redis-server") is None:
        missing.append(DEBIAN_PACKAGES["redis"])
    return missing


def install_missing(log: Path) -> None:
    """apt-get update once, then install what is missing. Debian's policy-rc.d on these
    machines keeps the packages from starting their own services."""
    missing = missing_packages()
    if not missing:
        return
    if os.geteuid() != 0:
        raise RuntimeError(
            f"missing {' '.join(missing)}: run 'sudo apt-get install -y {' '.join(missing)}'"
        )
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    with open(log, "ab") as out:
        for command in (["apt-get", "update"], ["apt-get", "install", "-y", *missing]):
            subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT, check=True)


def _as_postgres_user(command: List[str]) -> List[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass(frozen=True)
class Postgres:
    port: int
    user: str
    password: str
    database: str
    pg_ctl: Tuple[str, ...] = ()
    start_options: str = ""

    def stop(self) -> None:
        """A fast shutdown, as a crash or a restart of the database server looks to Rasa."""
        subprocess.run(
            _as_postgres_user([*self.pg_ctl, "-m", "fast", "-w", "stop"]),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self) -> None:
        subprocess.run(
            _as_postgres_user(
                [*self.pg_ctl, "-o", self.start_options, "-w", "-t", str(START_TIMEOUT_S), "start"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )


@contextmanager
def postgres(log_dir: Path) -> Iterator[Postgres]:
    """A fresh cluster on 127.0.0.1 with one database and its owner; its log ends in log_dir.

    The cluster lives in its own folder in the system temp folder, owned by the user that
    runs it, and is removed afterwards.
    """
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed")
    folder = Path(tempfile.mkdtemp(prefix="kundencenter-pg-"))
    data, sockets, log = folder / "data", folder / "sockets", folder / "postgres.log"
    pwfile = folder / "superuser-password"
    sockets.mkdir()
    pwfile.write_text(secrets.token_urlsafe(16) + "\n")
    if os.geteuid() == 0:
        for path in (folder, sockets, pwfile):
            shutil.chown(path, "postgres", "postgres")
    port = free_port()
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log)]
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1"
    server = Postgres(port, "rasa", secrets.token_urlsafe(16), "rasa", tuple(pg_ctl), options)
    try:
        subprocess.run(
            _as_postgres_user(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    f"--pwfile={pwfile}",
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        server.start()
        psql = [
            str(bin_dir / "psql"),
            "-h",
            str(sockets),
            "-p",
            str(server.port),
            "-U",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
            "-q",
            "-d",
            "postgres",
        ]
        subprocess.run(
            _as_postgres_user(
                [
                    *psql,
                    "-c",
                    f"CREATE ROLE {server.user} LOGIN PASSWORD '{server.password}'",
                    "-c",
                    f"CREATE DATABASE {server.database} OWNER {server.user}",
                ]
            ),
            check=True,
        )
        yield server
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_postgres_user([*pg_ctl, "-m", "fast", "-w", "stop"]),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        if log.exists():
            shutil.copy(log, log_dir / "postgres.log")
        shutil.rmtree(folder, ignore_errors=True)


class Redis:
    """A redis-server on one loopback port that keeps nothing on disk.

    `stop` and `start` keep the port, so Rasa's lock store sees what a restart of its Redis
    looks like: refused connections, then an empty server on the same address.
    """

    def __init__(self, port: int, log_dir: Path) -> None:
        self.port = port
        self.log_dir = log_dir
        self._process: Optional[subprocess.Popen] = None

    def start(self) -> None:
        import redis as redis_client

        with open(self.log_dir / "redis.log", "ab") as log:
            self._process = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.log_dir),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        client = redis_client.Redis(
            host="127.0.0.1", port=self.port, socket_connect_timeout=1, retry_on_timeout=False
        )
        for _ in range(START_TIMEOUT_S * 10):
            if self._process.poll() is not None:
                raise RuntimeError(f"redis-server exited, see {self.log_dir / 'redis.log'}")
            try:
                client.ping()
                return
            except redis_client.exceptions.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError(f"redis-server did not answer within {START_TIMEOUT_S} s")

    def stop(self) -> None:
        if self._process is not None:
            stop_process(self._process, timeout=10)
            self._process = None


@contextmanager
def redis(log_dir: Path) -> Iterator[Redis]:
    """A Redis on 127.0.0.1 that keeps nothing on disk; its log ends in log_dir."""
    server = Redis(free_port(), log_dir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def scale_out_environment(pg: Postgres, rd: Redis) -> Dict[str, str]:
    """endpoints.yml's variables for the scale-out profile: PostgreSQL + Redis lock store."""
    return {
        "TRACKER_STORE_DIALECT": "postgresql",
        "TRACKER_STORE_HOST": f"127.0.0.1:{pg.port}",
        "TRACKER_STORE_DB": pg.database,
        "TRACKER_STORE_USER": pg.user,
        "TRACKER_STORE_PASSWORD": pg.password,
        "LOCK_STORE_TYPE": "redis",
        "LOCK_STORE_HOST": "127.0.0.1",
        "LOCK_STORE_PORT": str(rd.port),
        "LOCK_STORE_DB": "1",
        "LOCK_STORE_PASSWORD": "",
    }
