"""The project's input channels (REST, socketio, Messenger, Telegram, erasure) and what
they share.

Rasa's stock connectors for Messenger and Telegram fall short (see ../shared/RASA-NOTES.md):
Messenger's ignores the SHA-256 signature and answers bad signatures with 200 or 500,
Telegram's needs the internet at server start and authenticates nothing. These connectors
fail closed: a channel without its secrets rejects every webhook call instead of keeping
Rasa from starting. Every message goes through channels/delivery.py. Here: the blueprint
every connector starts from (health and readiness routes, the drain on SIGTERM, the daily
retention task, 503 for store faults, rasa_patches applied) and the credential helpers.
"""

import hmac
import logging
import os
import signal
from typing import Any, Dict, Mapping, Optional

from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

# Seconds between SIGTERM and the server's stop, while /ready already answers 503.
DRAIN_NOTICE_S = float(os.environ.get("BOT_DRAIN_NOTICE_S") or 3)


def webhook_blueprint(name: str) -> Blueprint:
    """A connector's blueprint with what every channel shares: GET / (health), GET /ready
    (503 once SIGTERM arrived), the drain on SIGTERM, the retention task, 503 for store faults.

    Applies rasa_patches first: Rasa builds the blueprints of the channels in
    credentials.yml before it loads the agent, so every Rasa server of the project runs
    patched from its first message.
    """
    prepare_rasa()
    webhook = Blueprint(name, __name__)

    @webhook.route("/", methods=["GET"])
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @webhook.listener("before_server_start")
    async def store_faults_are_503(app: Sanic, _loop: Any) -> None:
        from rasa_patches.fail_closed_store import TrackerStoreUnavailable

        # Without this, the HTTP API answers a store fault with 500, Sanic's default.
        app.error_handler.add(TrackerStoreUnavailable, _store_unavailable)

    @webhook.route("/ready", methods=["GET"])
    async def ready(request: Request) -> HTTPResponse:
        if getattr(request.app.ctx, "draining", False):
            return response.json({"ready": False, "reason": "stopping"}, status=503)
        return response.json({"ready": True})

    @webhook.listener("after_server_start")
    async def drain_on_sigterm(app: Sanic, loop: Any) -> None:
        # Sanic stops listening the moment SIGTERM arrives. Here the server first says it is
        # stopping (GET .../ready is 503), so a load balancer sends no more customers, keeps
        # answering for DRAIN_NOTICE_S, and only then stops, finishing what is in progress.
        if getattr(app.ctx, "drain_installed", False):
            return
        app.ctx.drain_installed = True

        def drain() -> None:
            if not getattr(app.ctx, "draining", False):
                app.ctx.draining = True
                logger.info("SIGTERM: stopping in %.1f s", DRAIN_NOTICE_S)
                loop.call_later(DRAIN_NOTICE_S, app.stop)

        try:
            loop.add_signal_handler(signal.SIGTERM, drain)
        except (NotImplementedError, RuntimeError):  # no signals outside the main thread
            pass

    @webhook.listener("after_server_start")
    async def keep_retention(app: Sanic, loop: Any) -> None:
        from channels.retention import purge_daily

        # Each channel's blueprint has this listener; the server needs one purge task.
        if getattr(app.ctx, "retention", None) is None:
            app.ctx.retention = loop.create_task(purge_daily(app))

    return webhook


def _store_unavailable(_: Request, error: Exception) -> HTTPResponse:
    return response.json(
        {"status": "failure", "reason": "TrackerStoreUnavailable", "message": str(error)},
        status=503,
    )


def warn_if_missing(channel: str, credentials: Mapping[str, str]) -> bool:
    """Logs which credentials (key in credentials.yml: value) of a channel are empty."""
    missing = [key for key, value in credentials.items() if not value]
    if missing:
        logger.warning(
            "%s channel rejects every webhook call: credentials %s empty.",
            channel,
            ", ".join(missing),
        )
    return bool(missing)


def prepare_rasa() -> None:
    """Applies rasa_patches; every connector calls it when Rasa builds its blueprint."""
    # Imported here: the terminal client (channels/terminal.py) is no Rasa server and
    # should not wait for the Rasa internals the patches import.
    import rasa_patches

    rasa_patches.apply()


def credential(credentials: Optional[Mapping[str, Any]], key: str) -> str:
    """One value from credentials.yml as a string; missing, null or blank gives ''.

    The Makefile exports empty defaults, so an unset secret arrives as '' and must
    disable the channel, not crash it.
    """
    value = (credentials or {}).get(key)
    return "" if value is None else str(value).strip()


def credentials_of(credentials: Optional[Mapping[str, Any]], *keys: str) -> Dict[str, str]:
    """The keys of a channel's credentials.yml entry as keyword arguments ("-" as "_")."""
    return {key.replace("-", "_"): credential(credentials, key) for key in keys}


def same_secret(given: Optional[str], expected: str) -> bool:
    """Constant-time comparison that never matches an unset secret."""
    if not expected or given is None:
        return False
    try:
        given_bytes = given.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(given_bytes, expected.encode("utf-8"))
