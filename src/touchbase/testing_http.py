"""A real HTTP server on loopback for tests that fetch: feeds, audited pages.

Each path answers with the answers set for it in turn (the last one from then on), 404 for
any other; an answer can wait, trickle its body or stream far more than a reader accepts.
"""

from __future__ import annotations

import contextlib
import http.server
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # Seconds to wait before answering at all.
    delay: float = 0.0
    # Send this many bytes of body without a Content-Length (a huge feed or page).
    stream_bytes: int = 0
    # Send the body a byte at a time, this many seconds apart.
    trickle: float = 0.0


class LoopbackServer(http.server.ThreadingHTTPServer):
    """Serves the answers set per path; answers 304 when If-None-Match matches the ETag."""

    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), LoopbackHandler)
        self.answers: dict[str, list[Answer]] = {}
        self.requests: list[dict[str, str]] = []

    def serve(self, path: str, *answers: Answer) -> str:
        """Answer requests for the path with these answers in turn, the last one from then on."""
        self.answers[path] = list(answers)
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_port}{path}"

    def paths(self) -> list[str]:
        return [request["path"] for request in self.requests]

    def answer_for(self, path: str) -> Answer:
        queue = self.answers.get(path)
        if not queue:
            return Answer(status=404, body=b"not here")
        return queue.pop(0) if len(queue) > 1 else queue[0]


class LoopbackHandler(http.server.BaseHTTPRequestHandler):
    server: LoopbackServer

    def do_GET(self) -> None:  # noqa: N802 - http.server's hook name
        self.server.requests.append({"path": self.path, **dict(self.headers)})
        answer = self.server.answer_for(self.path)
        time.sleep(answer.delay)
        # The reader stops listening, as it should, to a huge, slow or unwanted answer.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            etag = answer.headers.get("ETag")
            if etag and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self._body(answer)

    def _body(self, answer: Answer) -> None:
        if answer.stream_bytes:
            self.end_headers()
            chunk = b"<!-- " + b"x" * 65_000 + b" -->\n"
            for _sent in range(0, answer.stream_bytes, len(chunk)):
                self.wfile.write(chunk)
            return
        if "Content-Length" not in answer.headers:
            self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if answer.trickle:
            for byte in answer.body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(answer.trickle)
            return
        self.wfile.write(answer.body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base signature
        pass


@contextlib.contextmanager
def loopback_server() -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    # A short poll interval, so shutting the server down after each test takes no half second.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
