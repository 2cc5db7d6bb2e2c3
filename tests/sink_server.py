"""A real HTTP server on 127.0.0.1 that stands in for a chat platform's webhook endpoint.

It records every request (path, query, headers, body, arrival time) and answers by a script of actions,
one per request (then ``ok``): ``("status", code, headers, body)``, ``("close",)`` (read the request, then
drop the connection without answering), ``("sleep", seconds)`` (answer ``ok`` late), ``("redirect", code,
location)``. ``ok`` is what the platform answers on success; with ``verify`` set, the server recomputes the
platform's signature from the secret it was given and answers the platform's error when it does not match.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

OK = {
    "feishu": (200, {"code": 0, "msg": "success", "data": {}}),
    "dingtalk": (200, {"errcode": 0, "errmsg": "ok"}),
    "wecom": (200, {"errcode": 0, "errmsg": "ok"}),
    "slack": (200, "ok"),
    "webhook": (204, ""),
}
BAD_SIGN = {
    "feishu": (200, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"}),
    "dingtalk": (200, {"errcode": 310000, "errmsg": "sign not match"}),
    "webhook": (401, "bad signature"),
}


@dataclass
class Request:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float

    def json(self):
        return json.loads(self.body)


def feishu_sign_ok(body: dict, secret: str) -> bool:
    ts = body.get("timestamp")
    if not isinstance(ts, str) or not ts.isdigit() or abs(time.time() - int(ts)) > 3600:
        return False
    want = base64.b64encode(hmac.new(f"{ts}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()
    return hmac.compare_digest(want, body.get("sign", ""))


def dingtalk_sign_ok(query: dict[str, list[str]], secret: str) -> bool:
    ts = (query.get("timestamp") or [""])[0]
    if not ts.isdigit() or abs(time.time() * 1000 - int(ts)) > 3600_000:
        return False
    digest = hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), (query.get("sign") or [""])[0])


def webhook_sign_ok(headers: dict[str, str], body: bytes, secret: str) -> bool:
    want = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, headers.get("x-commitradar-signature", ""))


@dataclass
class SinkServer:
    platform: str
    secret: str | None = None  # when set, every request's signature is checked
    script: list[tuple] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output clean
                pass

            def do_POST(self):
                n = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(n)
                parts = urlsplit(self.path)
                req = Request(parts.path, parse_qs(parts.query), {k.lower(): v for k, v in self.headers.items()},
                              body, time.monotonic())
                with server._lock:
                    server.requests.append(req)
                    action = server.script.pop(0) if server.script else ("ok",)
                kind = action[0]
                if kind == "close":
                    self.close_connection = True
                    return
                if kind == "sleep":
                    time.sleep(action[1])
                    kind = "ok"
                if kind == "redirect":
                    self._answer(action[1], "", {"Location": action[2]})
                    return
                if kind == "status":
                    self._answer(action[1], action[3] if len(action) > 3 else "", action[2] if len(action) > 2 else {})
                    return
                status, payload = OK[server.platform]
                if server.secret is not None and not server.signed_ok(req):
                    status, payload = BAD_SIGN[server.platform]
                self._answer(status, payload, {})

            def _answer(self, status, payload, headers):
                data = payload if isinstance(payload, bytes) else (
                    payload.encode() if isinstance(payload, str) else json.dumps(payload).encode())
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, str(v))
                self.send_header("Content-Type", "text/plain" if isinstance(payload, str) else "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None  # a client that timed out is expected
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def signed_ok(self, req: Request) -> bool:
        if self.platform == "feishu":
            return feishu_sign_ok(req.json(), self.secret)
        if self.platform == "dingtalk":
            return dingtalk_sign_ok(req.query, self.secret)
        if self.platform == "webhook":
            return webhook_sign_ok(req.headers, req.body, self.secret)
        return True

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str = "/hook/tok3n-SECRET-path", query: str = "") -> str:
        return self.base + path + (f"?{query}" if query else "")

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
