#!/usr/bin/env python3
"""Pigeon's REST API and event stream from Python, with the standard library only.

Registers two users, makes them friends (one logs in with an OAuth2 password form), sends a
message, reads the history, and follows the Server-Sent Events stream across a reconnect with
Last-Event-ID: the message sent while away arrives once, the one seen before does not come back.

    python3 pigeon_rest.py http://localhost:3000

Prints a JSON summary on success; exits non-zero with the reason otherwise.
"""

import json
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid


class ApiError(Exception):
    def __init__(self, status, body):
        error = body.get("error", {}) if isinstance(body, dict) else {}
        super().__init__(f"{status} {error.get('code')}: {error.get('message')}")
        self.status = status
        self.code = error.get("code")


class Pigeon:
    def __init__(self, base_url, token=None):
        self.base = base_url.rstrip("/") + "/api/v1"
        self.token = token

    def call(self, method, path, json_body=None, form=None, query=None):
        url = self.base + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        headers = {"accept": "application/json"}
        data = None
        if json_body is not None:
            data = json.dumps(json_body).encode()
            headers["content-type"] = "application/json"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["content-type"] = "application/x-www-form-urlencoded"
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read().decode()
                return json.loads(text) if text else None
        except urllib.error.HTTPError as err:
            text = err.read().decode()
            raise ApiError(err.code, json.loads(text) if text else {}) from None

    def events(self, last_event_id=None):
        """Opens the event stream; yields (id, item) for each event, and ('close', data)."""
        headers = {"accept": "text/event-stream", "authorization": f"Bearer {self.token}"}
        if last_event_id is not None:
            headers["last-event-id"] = last_event_id
        request = urllib.request.Request(self.base + "/events", headers=headers)
        response = urllib.request.urlopen(request, timeout=30)
        return EventStream(response)


class EventStream:
    """The SSE wire format: field lines up to a blank line make one event; ':' lines are comments."""

    def __init__(self, response):
        self.response = response

    def __iter__(self):
        event_id, event_type, data = None, None, []
        for raw in self.response:
            line = raw.decode().rstrip("\r\n")
            if line == "":
                if data:
                    payload = json.loads("\n".join(data))
                    yield (event_type or "message", event_id, payload)
                event_id, event_type, data = None, None, []
                continue
            if line.startswith(":"):
                continue  # keep-alive comment
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "id":
                event_id = value
            elif field == "event":
                event_type = value
            elif field == "data":
                data.append(value)

    def close(self):
        self.response.close()


def read_until(stream, want):
    """Events up to and including the first for which want(item) holds."""
    seen = []
    for kind, event_id, item in stream:
        if kind == "close":
            raise RuntimeError(f"stream closed: {item}")
        seen.append((event_id, item))
        if want(item):
            return seen
    raise RuntimeError("stream ended early")


def register(base_url, prefix):
    username = f"{prefix}_{secrets.token_hex(4)}"
    password = "python stdlib password"
    session = Pigeon(base_url).call(
        "POST",
        "/auth/register",
        {"username": username, "email": f"{username}@example.com", "password": password},
    )
    return username, password, session


def main(base_url):
    alice_name, _, alice_session = register(base_url, "py_alice")
    bob_name, bob_password, _ = register(base_url, "py_bob")
    alice = Pigeon(base_url, alice_session["accessToken"])

    # Bob logs in as an OAuth2 client would: a password grant, form-encoded.
    token = Pigeon(base_url).call(
        "POST",
        "/auth/token",
        form={"grant_type": "password", "username": bob_name, "password": bob_password},
    )
    assert token["token_type"] == "bearer", token
    bob = Pigeon(base_url, token["access_token"])
    assert bob.call("GET", "/users/me")["username"] == bob_name

    found = bob.call("GET", "/users/search", query={"query": alice_name})["users"]
    assert [u["username"] for u in found] == [alice_name], found
    request = bob.call("POST", "/friends/requests", {"userId": found[0]["id"]})["request"]
    incoming = alice.call("GET", "/friends/requests")["incoming"]
    assert [r["id"] for r in incoming] == [request["id"]], incoming
    alice.call("POST", f"/friends/requests/{request['id']}/accept")
    friends = [f["username"] for f in alice.call("GET", "/friends")]
    assert friends == [bob_name], friends
    conversation = bob.call("POST", "/conversations", {"userId": alice_session["user"]["id"]})

    def send(body):
        return bob.call(
            "POST",
            f"/conversations/{conversation['id']}/messages",
            {"body": body, "clientId": str(uuid.uuid4())},
        )

    # Alice follows her stream, sees one message live, and drops the connection.
    stream = alice.events()
    read_until(stream, lambda item: item["type"] == "stream.live")
    send("first, seen live")
    live = read_until(stream, lambda item: item["type"] == "message.created")
    last_id, first = live[-1]
    stream.close()

    # While she is away another arrives; she comes back with the last id she saw.
    send("second, sent while away")
    stream = alice.events(last_event_id=last_id)
    replay = read_until(stream, lambda item: item["type"] == "stream.live")
    stream.close()
    replayed = [item["message"]["body"] for _, item in replay if item["type"] == "message.created"]
    if replayed != ["second, sent while away"]:
        raise RuntimeError(f"after reconnecting expected exactly the missed message, got {replayed}")

    history = alice.call("GET", f"/conversations/{conversation['id']}/messages", query={"limit": 10})
    bodies = sorted(m["body"] for m in history["messages"])

    try:
        Pigeon(base_url, "not-a-token").call("GET", "/users/me")
        raise RuntimeError("a bad token was accepted")
    except ApiError as err:
        assert err.status == 401 and err.code == "UNAUTHORIZED", err

    print(
        json.dumps(
            {
                "ok": True,
                "live": first["message"]["body"],
                "lastEventId": last_id,
                "afterReconnect": replayed,
                "history": bodies,
            }
        )
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: pigeon_rest.py BASE_URL")
    try:
        main(sys.argv[1])
    except (ApiError, AssertionError, RuntimeError, OSError) as err:
        sys.exit(f"failed: {err!r}")
