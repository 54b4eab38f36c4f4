"""nginx from Debian as the bank's reverse proxy in front of several replicas (round robin,
WebSockets upgraded, Host and X-Forwarded-* passed on), as a child process on loopback."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from integrations.processes import child_process, free_port

NGINX = Path("/usr/sbin/nginx")

CONFIG = """
worker_processes 1;
{user}
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    upstream perimeter {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://perimeter;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 300s;
            proxy_next_upstream error timeout;
        }}
    }}
}}
"""


@contextmanager
def nginx_in_front(backends: Sequence[str], folder: Path) -> Iterator[str]:
    """nginx balancing ``backends`` (``host:port``) round robin; its base URL."""
    if not NGINX.exists():
        raise RuntimeError("nginx is missing: run `bash scripts/system-deps.sh`")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    servers = "\n".join(
        f"        server {backend} max_fails=1 fail_timeout=30s;" for backend in backends
    )
    conf = folder / "nginx.conf"
    # As root (CI), the workers would become «nobody», who cannot enter pytest's 0700 folders.
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(CONFIG.format(prefix=folder, servers=servers, port=port, user=user))
    base = f"http://127.0.0.1:{port}"
    argv = [str(NGINX), "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")]
    with child_process(argv, log=folder / "nginx.out", health_url=None):
        _wait_listening(port)
        yield base


def _wait_listening(port: int) -> None:
    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("nginx did not start listening")
