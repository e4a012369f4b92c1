"""Rasa's socketio channel (the website chat), with an apology instead of silence.

Registered in credentials.yml as `channels.socketio.SocketIOInput:` with the stock channel's
settings; name, path and protocol are the stock ones. Two changes:
- every message goes through `deliver` (channels/delivery.py), as on every channel: its
  text cleaned and cut, and `technical_problem` from domain.yml when processing fails;
- with `session_persistence`, the stock channel calls `sio.enter_room(...)` without `await`;
  in the python-socketio releases rasa 3.6 allows today that is a coroutine, the browser
  never joins its room and every bot reply is lost (RASA-NOTES.md).
"""

import inspect
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels import socketio
from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, Sanic

from channels import prepare_rasa
from channels.delivery import deliver
from channels.rest import is_valid_sender


class SocketIOInput(socketio.SocketIOInput):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._app: Optional[Sanic] = None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        prepare_rasa()

        async def answer(message: UserMessage) -> None:
            await deliver(on_new_message, message, self._app.ctx.agent)

        webhook = super().blueprint(answer)
        sio = self.sio

        # Socket.IO events carry no request; the agent is found through the app.
        @webhook.listener("before_server_start")
        async def remember_app(app: Sanic, _loop: Any) -> None:
            self._app = app

        # Replaces the stock handler of the same event.
        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Optional[Dict[str, Any]]) -> None:
            session_id = _session_id(data) or uuid.uuid4().hex
            if self.session_persistence:
                joined = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(joined):
                    await joined
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        return webhook


def _session_id(data: Any) -> Optional[str]:
    """The session the browser asks to continue, if it is a usable conversation ID."""
    session_id = data.get("session_id") if isinstance(data, dict) else None
    return session_id if isinstance(session_id, str) and is_valid_sender(session_id) else None
