"""A channel served the way `rasa run` serves it, talking to a fake platform API.

The channel's blueprint is registered with rasa's own `register()` on a real Sanic
server; a stand-in for Rasa's agent answers through the output channel the way Rasa's
processor does (`send_response` with a `BotUttered` message). The platform API is a real
HTTP server on 127.0.0.1 that records every call, so the tests see what would go out.
"""

import socket
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, AsyncIterator, Dict, List, Tuple

import aiohttp
import pytest
import pytest_asyncio
import yaml
from aiohttp import web
from aiohttp.test_utils import TestServer
from rasa.core.channels.channel import InputChannel, UserMessage, register
from rasa.shared.core.events import BotUttered
from sanic import Sanic


@dataclass
class ApiCall:
    path: str
    query: Dict[str, str]
    body: Dict[str, Any]


class FakeApi:
    """Records each POST; answers like both APIs, with a success unless told otherwise."""

    def __init__(self) -> None:
        self.calls: List[ApiCall] = []
        self.status = 200
        self.server = TestServer(self._app(), host="127.0.0.1")

    def _app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._record)
        return app

    async def _record(self, request: web.Request) -> web.Response:
        self.calls.append(ApiCall(request.path, dict(request.query), await request.json()))
        if self.status != 200:
            # Quotes the URL, credentials and all, as some proxies' error pages do.
            error = f"rejected {request.path_qs}"
            return web.json_response({"ok": False, "error": error}, status=self.status)
        return web.json_response({"ok": True, "result": {}, "message_id": "m"})

    @property
    def url(self) -> str:
        return str(self.server.make_url("/")).rstrip("/")


APOLOGY = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8")
)["responses"]["technical_problem"][0]["text"]


class FakeNlg:
    async def generate(self, response: str, *_: Any) -> Dict[str, Any]:
        return {"text": APOLOGY} if response == "technical_problem" else {}


@dataclass
class FakeAgent:
    """Answers every message with `responses`, as Rasa's processor sends BotUttered;
    `failing` fails every message, as when the action server is down."""

    responses: List[Dict[str, Any]] = field(default_factory=list)
    failing: bool = False
    received: List[Tuple[str, str, str]] = field(default_factory=list)
    nlg: FakeNlg = field(default_factory=FakeNlg)

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append((message.sender_id, message.text, message.input_channel))
        if self.failing:
            raise RuntimeError("action server down")
        for response in self.responses:
            data = {key: value for key, value in response.items() if key != "text"}
            event = BotUttered(response.get("text"), data)
            await message.output_channel.send_response(message.sender_id, event.message())


class ChannelServer:
    def __init__(self, base_url: str, agent: FakeAgent) -> None:
        self.base_url = base_url
        self.agent = agent

    async def request(self, method: str, path: str, **kwargs: Any) -> Tuple[int, str]:
        async with aiohttp.ClientSession() as session:
            async with session.request(method, self.base_url + path, **kwargs) as reply:
                return reply.status, await reply.text()


@pytest_asyncio.fixture
async def fake_api() -> AsyncIterator[FakeApi]:
    api = FakeApi()
    await api.server.start_server()
    yield api
    await api.server.close()


@pytest.fixture
def serve(monkeypatch):
    """`async with serve(channel, responses) as server`: the channel under /webhooks/."""
    # Outside test mode, Sanic rewrites its own methods at each start, and a second
    # start in one process then fails (KeyError: 'send').
    monkeypatch.setattr(Sanic, "test_mode", True)
    return _serve


@asynccontextmanager
async def _serve(
    channel: InputChannel, responses: List[Dict[str, Any]], failing: bool = False
) -> AsyncIterator[ChannelServer]:
    agent = FakeAgent(responses, failing)
    app = Sanic(f"channel_test_{uuid.uuid4().hex}", configure_logging=False)
    app.ctx.agent = agent
    register([channel], app, route="/webhooks/")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield ChannelServer(f"http://127.0.0.1:{port}", agent)
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()
