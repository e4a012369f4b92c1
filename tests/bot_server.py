"""Start the real bot (action server + Rasa) on free loopback ports for end-to-end tests."""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
START_TIMEOUT_S = 240
# credentials.yml names them; Rasa needs them set, empty keeps a channel closed.
CHANNEL_SECRETS = tuple(re.findall(r"\$\{([A-Z_]+)\}", (ROOT / "credentials.yml").read_text()))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process: subprocess.Popen, timeout: float) -> None:
    """Terminate, and kill what does not end within the timeout."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def http(
    method: str,
    url: str,
    body: Optional[bytes] = None,
    headers: Optional[Dict[str, str]] = None,
    timeout: float = 30,
):
    """Return (status, body bytes); HTTP errors are answers, not exceptions."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Bot:
    def __init__(
        self,
        rasa_port: int,
        action_port: int,
        token: str,
        log_dir: Path,
        extra_env: Optional[Dict[str, str]] = None,
        debug: bool = False,
    ):
        self.url = f"http://127.0.0.1:{rasa_port}"
        self.action_url = f"http://127.0.0.1:{action_port}"
        self.rasa_port = rasa_port
        self.action_port = action_port
        self.token = token
        self.log_dir = log_dir
        self.processes: Dict[str, subprocess.Popen] = {}
        # E.g. an agent desk (HANDOVER_URL, HANDOVER_SECRET) for the hand-over tests.
        self.extra_env = dict(extra_env or {})
        # `rasa run actions` takes its log level from the command line only, not LOG_LEVEL.
        self.log_options = ["--debug"] if debug else []

    # --- processes ---
    def environment(self) -> Dict[str, str]:
        env = {name: "" for name in CHANNEL_SECRETS}
        env.update(os.environ)
        env.update(
            RASA_TELEMETRY_ENABLED="false",
            TF_CPP_MIN_LOG_LEVEL="2",
            SQLALCHEMY_SILENCE_UBER_WARNING="1",
            ACTION_ENDPOINT_URL=f"{self.action_url}/webhook",
            # The API token, for the endpoints that are channels (channels/erasure.py).
            RASA_API_TOKEN=self.token,
            # Pictures relative to the page that shows them (the test's own static server).
            BOT_PUBLIC_URL="",
            # The action server binds to SANIC_HOST (it has no --interface option).
            SANIC_HOST="127.0.0.1",
            SANIC_KEEP_ALIVE_TIMEOUT="60",
            # endpoints.yml: the tests' own SQLite file, never the developer's conversations.
            TRACKER_STORE_DIALECT="sqlite",
            TRACKER_STORE_HOST="",
            TRACKER_STORE_DB=str(self.log_dir / "tracker.db"),
            TRACKER_STORE_USER="",
            TRACKER_STORE_PASSWORD="",
            LOCK_STORE_TYPE="in_memory",
            LOCK_STORE_HOST="",
            LOCK_STORE_PORT="6379",
            LOCK_STORE_DB="1",
            LOCK_STORE_PASSWORD="",
            HANDOVER_URL="",
            HANDOVER_SECRET="",
        )
        env.update(self.extra_env)
        return env

    def _start(self, name: str, args: List[str]) -> None:
        log = open(self.log_dir / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(
            args, cwd=ROOT, env=self.environment(), stdout=log, stderr=subprocess.STDOUT
        )

    def start_actions(self) -> None:
        self._start(
            "actions",
            [
                str(BIN / "rasa"),
                "run",
                "actions",
                "--port",
                str(self.action_port),
                *self.log_options,
            ],
        )
        self._wait(f"{self.action_url}/health", "actions")

    def start_rasa(self, project: Path = ROOT) -> None:
        # The browser test serves the page on a free loopback port (a prefix match: anchored).
        cors = ["--cors", r"^http://127\.0\.0\.1:[0-9]+$"] if project == ROOT else []
        self._start(
            "rasa",
            [
                str(BIN / "rasa"),
                "run",
                "--enable-api",
                f"--auth-token={self.token}",
                "--interface",
                "127.0.0.1",
                "--port",
                str(self.rasa_port),
                "--credentials",
                str(project / "credentials.yml"),
                "--endpoints",
                str(project / "endpoints.yml"),
                "--model",
                str(project / "models"),
                *cors,
                *self.log_options,
            ],
        )
        self._wait(f"{self.url}/status?token={self.token}", "rasa")

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process:
            stop_process(process, timeout=30)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def is_running(self, name: str) -> bool:
        process = self.processes.get(name)
        return process is not None and process.poll() is None

    def _wait(self, url: str, name: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if not self.is_running(name):
                raise RuntimeError(f"{name} exited, see {self.log_dir / (name + '.log')}")
            try:
                status, body = http("GET", url, timeout=5)
                if status == 200 and (name != "rasa" or json.loads(body).get("model_file")):
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{name} did not start within {START_TIMEOUT_S} s")

    # --- conversations over the REST channel ---
    def say(self, sender: str, text: str) -> List[dict]:
        status, body = http(
            "POST",
            f"{self.url}/webhooks/rest/webhook",
            json.dumps({"sender": sender, "message": text}).encode(),
            {"Content-Type": "application/json"},
        )
        assert status == 200, (status, body[:300])
        return json.loads(body)

    def tracker(self, sender: str) -> dict:
        status, body = http("GET", f"{self.url}/conversations/{sender}/tracker?token={self.token}")
        assert status == 200, (status, body[:300])
        return json.loads(body)


@contextmanager
def running_bot(
    log_dir: Path, extra_env: Optional[Dict[str, str]] = None, debug: bool = False
) -> Iterator[Bot]:
    # One random token in 64 starts with "-", which `--auth-token TOKEN` once took for an option.
    token = "-" + secrets.token_urlsafe(24)
    bot = Bot(free_port(), free_port(), token, log_dir, extra_env, debug)
    try:
        bot.start_actions()
        bot.start_rasa()
        yield bot
    finally:
        bot.stop_all()
