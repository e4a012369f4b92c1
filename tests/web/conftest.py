"""Fixtures for the real-browser test of the website chat (web/).

The test needs a running bot (rasa with the socketio channel plus the action server).
Its base URL comes from, in this order:
1. the environment variable ``BOT_URL``;
2. the project's session fixture ``bot`` (tests/conftest.py), which starts the action
   server and Rasa; its value has the base URL in ``url``;
3. http://localhost:5005.

The page itself is served by a static server that the fixtures start on a free port.
Chromium sends everything that is not for loopback to a "tripwire" proxy that refuses and
records it, so a test never reaches the internet, whatever the machine's network. The
tripwire also sees Chromium's own background traffic (update checks, the search engine's
preconnect): which requests the *page* made, the tests read from the DevTools log.
"""

import functools
import http.server
import os
import shutil
import socketserver
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Iterator, List

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

WEB_DIR = Path(__file__).resolve().parents[2] / "web"
# What `npm ci` in web/ brings: the page's socket.io client, and axe-core for the tests only.
NPM_FILES = (
    WEB_DIR / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js",
    WEB_DIR / "node_modules" / "axe-core" / "axe.min.js",
)
SCREENSHOT_DIR = Path(__file__).resolve().parent / "screenshots"

DEFAULT_BOT_URL = "http://localhost:5005"
CHROMIUM = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}

# Flags for Debian's Chromium on these machines: headless, as root, and without the
# background connections to Google's services that a closed network refuses.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1000",
    "--lang=de-DE",
]


@pytest.fixture(scope="session")
def bot_url(request: pytest.FixtureRequest) -> str:
    """Base URL of the bot's socketio channel, reachable and on loopback."""
    url = os.environ.get("BOT_URL")
    if not url:
        try:
            server = request.getfixturevalue("bot")
            url = str(getattr(server, "url", server))
        except pytest.FixtureLookupError:
            url = DEFAULT_BOT_URL
    url = url.rstrip("/")
    host = urllib.parse.urlsplit(url).hostname
    if host not in LOOPBACK_HOSTS:
        pytest.fail(f"BOT_URL {url}: the page accepts ?bot= only for loopback addresses")
    _wait_for_socketio(url, timeout=120)
    return url


def _wait_for_socketio(url: str, timeout: float) -> None:
    """Waits until the socketio channel's health route answers (the model is loaded then)."""
    health = f"{url}/webhooks/socketio/"
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(health, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            pytest.fail(
                f"No bot with the socketio channel at {url} ({health} did not answer). "
                "Start it (make web) or set BOT_URL."
            )
        time.sleep(1)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def page_url() -> Iterator[str]:
    """Serves web/ on a free localhost port, as `python -m http.server` would."""
    for path in NPM_FILES:
        if not path.is_file():
            pytest.fail(f"{path} is missing: run `npm ci` in web/ first")
    handler = functools.partial(_QuietHandler, directory=str(WEB_DIR))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class Tripwire(socketserver.ThreadingTCPServer):
    """A proxy that forwards nothing: it records each request's first line and refuses it."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _TripwireHandler)
        self.requests: List[str] = []
        self.lock = threading.Lock()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"

    def seen(self) -> List[str]:
        with self.lock:
            return list(self.requests)

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()


class _TripwireHandler(socketserver.StreamRequestHandler):
    server: Tripwire

    def handle(self) -> None:
        line = self.rfile.readline(2048).decode("latin-1").strip()
        with self.server.lock:
            self.server.requests.append(line)
        self.wfile.write(
            b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )


@pytest.fixture(scope="session")
def tripwire() -> Iterator[Tripwire]:
    server = Tripwire()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """tests/web/screenshots/ (git-ignored): the conversation, the narrow and zoomed views and
    failures, to look at."""
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    return SCREENSHOT_DIR


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Remembers each phase's result on the test item, for the screenshot on failure."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def headless_chromium(profile: Path, proxy_address: str) -> webdriver.Chrome:
    """Debian's Chromium with a new profile; what would leave the machine meets the proxy."""
    for binary in (CHROMIUM, CHROMEDRIVER):
        if not shutil.which(binary):
            pytest.fail(f"{binary} not found: apt-get install -y chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    # Loopback stays direct (Chromium's default bypass); everything else meets the tripwire.
    options.add_argument(f"--proxy-server=http://{proxy_address}")
    # Leave alert() dialogs open, so that a test can see one.
    options.set_capability("unhandledPromptBehavior", "ignore")
    # "performance" carries the DevTools network events of the page.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


@pytest.fixture
def browser(
    request: pytest.FixtureRequest, tripwire: Tripwire, tmp_path: Path
) -> Iterator[webdriver.Chrome]:
    """A fresh headless Chromium (new profile, so a new conversation) for each test."""
    tripwire.clear()
    driver = headless_chromium(tmp_path / "profile", tripwire.address)
    try:
        yield driver
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            SCREENSHOT_DIR.mkdir(exist_ok=True)
            driver.save_screenshot(str(SCREENSHOT_DIR / f"failed-{request.node.name}.png"))
    finally:
        driver.quit()
