"""A recording HTTP proxy: what the bank's egress would see of a call to an external upstream.

    python -m tests.support.recording_proxy --upstream http://127.0.0.1:9001 --port 9002 \\
        --record calls.jsonl

Every request is forwarded to ``--upstream`` as it came (the response streamed back as it
arrives) and appended to ``--record`` as one JSON line: method, path and body as sent. The
gateway's tests read that file to prove what left the bank and what did not.
"""

from __future__ import annotations

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


def serve(upstream: str, port: int, record: Path) -> None:
    lock = threading.Lock()
    client = httpx.Client(base_url=upstream, timeout=300)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with lock, record.open("a", encoding="utf-8") as sink:
                sink.write(
                    json.dumps(
                        {
                            "method": self.command,
                            "path": self.path,
                            "body": body.decode("utf-8", "replace"),
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
            request = client.build_request(self.command, self.path, headers=headers, content=body)
            response = client.send(request, stream=True)
            try:
                self.send_response(response.status_code)
                for name, value in response.headers.items():
                    if name.lower() not in _HOP:
                        self.send_header(name, value)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for chunk in response.iter_raw():
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
            finally:
                response.close()

        do_GET = do_POST = _forward  # noqa: N815 - http.server's names

        def log_message(self, format: str, *args: Any) -> None:
            pass

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def recorded(record: Path) -> list[dict[str, Any]]:
    if not record.exists():
        return []
    return [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines() if line]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", type=Path, required=True)
    args = parser.parse_args()
    serve(args.upstream, args.port, args.record)


if __name__ == "__main__":
    main()
