"""The HTTP API only with the token, channel webhooks open, loopback only, no CORS for
strangers, and nothing the customer types in the servers' logs."""

import json
import urllib.error
import urllib.request
import uuid

import pytest

from tests.bot_server import http
from tests.serving.helpers import PROBLEM, WEBHOOK, new_sender, post, send

CONVERSATION = "/conversations/someone"
API = [
    ("GET", "/status"),
    ("GET", "/domain"),
    ("GET", f"{CONVERSATION}/tracker"),
    ("GET", f"{CONVERSATION}/story"),
    ("POST", f"{CONVERSATION}/tracker/events"),
    ("PUT", f"{CONVERSATION}/tracker/events"),
    ("POST", f"{CONVERSATION}/messages"),
    ("POST", f"{CONVERSATION}/execute"),
    ("POST", f"{CONVERSATION}/trigger_intent"),
    ("POST", f"{CONVERSATION}/predict"),
    ("POST", "/model/parse"),
    ("POST", "/model/predict"),
    ("POST", "/model/train"),
    ("POST", "/model/test/stories"),
    ("POST", "/model/test/intents"),
    ("PUT", "/model"),
    ("DELETE", "/model"),
]


@pytest.mark.parametrize("method, path", API, ids=[f"{m} {p}" for m, p in API])
@pytest.mark.parametrize("token", ["", "?token=wrong"], ids=["no token", "wrong token"])
def test_api_needs_the_token(bot, method, path, token):
    status, _ = http(method, bot.url + path + token, b"{}", {"Content-Type": "application/json"})
    assert status == 401


def test_api_answers_with_the_token(bot):
    status, body = http("GET", f"{bot.url}/status?token={bot.token}")
    assert status == 200 and json.loads(body)["model_file"]


def test_channel_webhook_needs_no_token(bot):
    assert http("GET", bot.url + "/webhooks/rest/")[0] == 200
    assert send(bot, new_sender("open"), "Hallo")[0] == 200


def listening_addresses(port: int):
    """Local addresses of the sockets listening on `port`, from /proc/net/tcp{,6}."""
    addresses = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if state == "0A" and int(port_hex, 16) == port:
                addresses.add(address)
    return addresses


def test_both_servers_listen_on_loopback_only(bot):
    loopback = "0100007F"  # 127.0.0.1, little-endian hex
    assert listening_addresses(bot.rasa_port) == {loopback}
    assert listening_addresses(bot.action_port) == {loopback}


def response_headers(method: str, url: str, headers: dict, body: bytes = None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.headers
    except urllib.error.HTTPError as error:
        return error.headers


@pytest.mark.parametrize("method", ["OPTIONS", "POST"], ids=["preflight", "request"])
def test_no_cors_for_a_strange_origin(bot, method):
    origin = "https://evil.example"
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Content-Type": "application/json",
    }
    body = (
        json.dumps({"sender": new_sender("cors"), "message": "Hallo"}).encode()
        if method == "POST"
        else None
    )
    allowed = response_headers(method, bot.url + WEBHOOK, headers, body).get(
        "Access-Control-Allow-Origin"
    )
    assert allowed not in ("*", origin)


def test_customer_text_and_token_stay_out_of_the_logs(bot):
    marker = f"Markierung{uuid.uuid4().hex}"
    sender = new_sender("logs")
    send(bot, sender, f"{PROBLEM} {marker}")
    send(bot, sender, f"privat {marker}")
    send(bot, sender, marker)
    post(bot, f'{{"sender": "{sender}", "message": "{marker}'.encode())
    bot.stop("actions")
    try:
        send(bot, new_sender("logs-down"), f"{PROBLEM} {marker}")
    finally:
        bot.start_actions()

    for name in ("rasa", "actions"):
        log = (bot.log_dir / f"{name}.log").read_text(encoding="utf-8", errors="replace")
        assert marker not in log, name
        assert bot.token not in log, name
