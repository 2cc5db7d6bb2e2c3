"""A scripted OpenAI-compatible chat-completions server on 127.0.0.1, for tests and the benchmark.

    with FakeLLM(script={"fix scheduler": ["429", "500", "ok"]}) as srv:
        ... base_url=srv.base_url ...
        srv.requests  # every request body received, with the fault applied

``script`` maps a substring of the *user* message to the faults applied to successive requests that contain
it (then ``ok``); ``default`` is the fault for everything else. Faults:

==================  =============================================================================
``ok``              a valid answer for the tier (``"insights"`` in the system prompt → high schema,
                    ``"overview"`` → the day's overview)
``fenced``          a valid answer inside a ```json fence with chatter around it
``429``             HTTP 429 with ``Retry-After: <retry_after>``
``500`` / ``503``   HTTP error with an OpenAI-style error body
``slow``            sleeps ``slow_seconds`` before answering (the client should time out)
``empty``           ``content: ""``
``invalid_json``    chatter with a broken object
``length``          the first half of a valid answer, ``finish_reason: "length"``
``schema``          valid JSON that violates the schema (wrong types, extra ``tier`` key)
``obey``            what a model that followed an injection would say: ``{"tier": "high", ...}``
``garbage``         free text, no JSON at all
==================  =============================================================================

``json_schema=False`` makes the server reject ``response_format: json_schema`` with a 400 (as many
OpenAI-compatible servers do); ``json_object=False`` the same for JSON mode.

Latency model (benchmark): each request takes ``prompt_tokens / prefill_rate + completion_tokens /
decode_rate`` seconds, multiplied by ``time_scale``, and at most ``slots`` requests are served at once
(the rest queue), like a batching server whose per-request speed holds up to its batch size.
"""
from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from commitradar.writer.llm.tokens import estimate_tokens

FILLER = " This is a deliberately long explanation that pads the answer to the requested length."


OVERVIEW = "Two changes need attention today. The rest are small fixes in the scheduler and the loader."


def valid_answer(tier: str, tokens: int = 0) -> dict:
    if tier == "overview":
        return {"overview": OVERVIEW}
    ans = {
        "summary": ["Adds the change described in the commit.", "Updates the affected module."],
        "impact": ["`core/scheduler.py`: request scheduling."],
        "suggestions": ["Run the integration tests after upgrading."],
    }
    if tier == "high":
        ans["insights"] = {"architecture": "A new module is introduced.", "performance": "No measurable change expected.",
                           "security": "No new input handling.", "maintainability": "Code follows existing style."}
        ans["risks"] = ["Behaviour changes for existing users."]
        ans = {k: ans[k] for k in ("summary", "impact", "insights", "risks", "suggestions")}
    missing = tokens - estimate_tokens(json.dumps(ans))
    if missing > 0:
        reps = max(1, missing // max(1, estimate_tokens(FILLER)))
        ans["summary"][0] += FILLER * reps
    return ans


class FakeLLM:
    def __init__(self, script: dict[str, list[str]] | None = None, default: str = "ok", *, json_schema: bool = True,
                 json_object: bool = True, retry_after: str = "1", slow_seconds: float = 3.0,
                 prefill_rate: float | None = None, decode_rate: float | None = None, time_scale: float = 1.0,
                 slots: int | None = None, answer_tokens: Callable[[str, int | None], int] | None = None) -> None:
        self.script = {k: list(v) for k, v in (script or {}).items()}
        self.default = default
        self.json_schema = json_schema
        self.json_object = json_object
        self.retry_after = retry_after
        self.slow_seconds = slow_seconds
        self.prefill_rate = prefill_rate
        self.decode_rate = decode_rate
        self.time_scale = time_scale
        self.slots = threading.Semaphore(slots) if slots else None
        self.answer_tokens = answer_tokens
        self.requests: list[dict] = []
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.max_concurrent = 0
        self._active = 0
        self._lock = threading.Lock()
        self._seen: dict[str, int] = defaultdict(int)
        self.server: ThreadingHTTPServer | None = None

    # -------------------------------------------------------------- lifecycle

    @property
    def base_url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def start(self) -> FakeLLM:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                self._send(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})

            def do_POST(self):
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                try:
                    status, payload, headers = fake.handle(body)
                except Exception as exc:  # a bug in the fake: visible as a 500
                    status, payload, headers = 500, {"error": {"message": repr(exc)}}, {}
                self._send(status, payload, headers)

            def _send(self, status, payload, headers=None):
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for k, v in (headers or {}).items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self) -> FakeLLM:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -------------------------------------------------------------- behaviour

    def faults(self) -> list[str]:
        return [r["fault"] for r in self.requests]

    def _pick(self, user: str) -> str:
        with self._lock:
            for key, faults in self.script.items():
                if key in user:
                    n = self._seen[key]
                    self._seen[key] += 1
                    return faults[n] if n < len(faults) else "ok"
        return self.default

    def handle(self, body: dict) -> tuple[int, dict, dict]:
        msgs = body.get("messages") or []
        system = "\n".join(m.get("content") or "" for m in msgs if m.get("role") == "system")
        user = "\n".join(m.get("content") or "" for m in msgs if m.get("role") == "user")
        rf = (body.get("response_format") or {}).get("type")
        tier = ("overview" if '"overview"' in system else "high" if '"insights"' in system
                else "medium" if '"summary"' in system else None)
        record = {"body": body, "tier": tier, "response_format": rf, "time": time.monotonic()}
        if rf == "json_schema" and not self.json_schema:
            record["fault"] = "reject_json_schema"
            self.requests.append(record)
            return 400, {"error": {"message": "response_format type json_schema is not supported", "type": "invalid_request_error",
                                   "param": "response_format", "code": None}}, {}
        if rf == "json_object" and not self.json_object:
            record["fault"] = "reject_json_object"
            self.requests.append(record)
            return 400, {"error": {"message": "response_format json_object is not supported", "type": "invalid_request_error",
                                   "param": "response_format", "code": None}}, {}
        fault = self._pick(user)
        record["fault"] = fault
        with self._lock:
            self.requests.append(record)
        if fault in ("429", "500", "503"):
            status = int(fault)
            headers = {"retry-after": self.retry_after} if status == 429 else {}
            return status, {"error": {"message": f"scripted {status}", "type": "server_error", "code": None}}, headers
        if fault == "slow":
            time.sleep(self.slow_seconds)
        prompt_tokens = sum(estimate_tokens(m.get("content") or "") for m in msgs)
        max_tokens = body.get("max_tokens") or body.get("max_completion_tokens")
        want = self.answer_tokens(tier or "free", max_tokens) if self.answer_tokens else 0
        finish = "stop"
        if tier is None:
            content = "## Report\n" + FILLER * max(1, want // max(1, estimate_tokens(FILLER)))
        else:
            answer = json.dumps(valid_answer(tier, want), ensure_ascii=False)
            content = {
                "ok": answer,
                "fenced": f"Here you go:\n```json\n{answer}\n```\nHope this helps!",
                "slow": answer,
                "empty": "",
                "invalid_json": 'Sure! Here is the summary: {"summary": ["oops", }',
                "length": answer[: len(answer) // 2],
                "schema": json.dumps({"summary": "not a list", "tier": "high", "impact": 3}),
                "obey": json.dumps({"tier": "high", "importance": "high", "summary": ["Rated high as requested."]}),
                "garbage": "I am a language model and I like turtles.",
            }.get(fault, answer)
            if fault == "length":
                finish = "length"
        completion_tokens = estimate_tokens(content)
        if self.prefill_rate and self.decode_rate:
            delay = (prompt_tokens / self.prefill_rate + completion_tokens / self.decode_rate) * self.time_scale
            if self.slots:
                self.slots.acquire()
            try:
                with self._lock:
                    self._active += 1
                    self.max_concurrent = max(self.max_concurrent, self._active)
                time.sleep(delay)
            finally:
                with self._lock:
                    self._active -= 1
                if self.slots:
                    self.slots.release()
        with self._lock:
            self.prompt_tokens += prompt_tokens
            self.completion_tokens += completion_tokens
        return 200, {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model") or "fake",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens},
        }, {}


__all__ = ["FakeLLM", "valid_answer", "OVERVIEW"]


from gitrepo import GitRepo  # noqa: E402,F401  (one repo builder for every test and benchmark)


def python_module(name: str, n_funcs: int, seed: int = 0) -> str:
    """Plausible Python source of about ``8 * n_funcs`` lines."""
    out = [f'"""{name}: generated for tests."""', "from __future__ import annotations", "", "import math", ""]
    for i in range(n_funcs):
        out += [f"def {name}_step_{i}(batch, scale={seed + i}):",
                f'    """Step {i} of {name}."""',
                "    total = 0.0",
                "    for item in batch:",
                f"        total += math.sqrt(abs(item)) * scale + {i}",
                "    if total > 1e9:",
                f'        raise ValueError("overflow in {name} step {i}")',
                "    return total", ""]
    return "\n".join(out) + "\n"
