"""The TLS proxy's nginx config: valid to nginx itself (with a throw-away certificate), and
passing what the app depends on: Host unchanged, WebSocket upgrades, X-Forwarded-*."""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.deploy.files import NGINX_CONF

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def config() -> str:
    return NGINX_CONF.read_text(encoding="utf-8")


def throwaway_certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "perimeter.test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "tls.crt", folder / "tls.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def test_nginx_accepts_the_config(tmp_path: Path) -> None:
    if NGINX is None:
        message = "nginx -t needs nginx (the Debian package nginx)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    cert, key = throwaway_certificate(tmp_path)
    text = re.sub(r"/etc/nginx/tls/\w+\.crt", str(cert), config())
    text = re.sub(r"/etc/nginx/tls/\w+\.key", str(key), text)
    (tmp_path / "logs").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [NGINX, "-t", "-q", "-p", str(tmp_path), "-c", str(conf)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_host_and_forwarded_headers_reach_the_app() -> None:
    text = config()
    # $http_host keeps the port: the console's Origin check compares host:port.
    assert "proxy_set_header Host $http_host;" in text
    assert "proxy_set_header Host $host;" not in text
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in text
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in text


def test_websockets_are_upgraded_with_long_timeouts() -> None:
    text = config()
    assert "proxy_http_version 1.1;" in text
    assert "proxy_set_header Upgrade $http_upgrade;" in text
    assert "proxy_set_header Connection $connection_upgrade;" in text
    for path in ("location /ws/", "location /operator/ws"):
        block = text.split(path, 1)[1].split("}", 1)[0]
        assert "proxy_read_timeout 1h;" in block, path


def test_the_staff_site_is_apart_and_allow_listed() -> None:
    customers, staff = re.findall(r"server \{.*?\n    \}", config(), re.DOTALL)[:2]
    assert "listen 443 ssl;" in customers and "perimeter:8080" in customers
    assert "perimeter:8081" not in customers
    assert "listen 8443 ssl;" in staff and "perimeter:8081" in staff
    assert "deny all;" in staff


def test_the_access_log_has_no_query_strings() -> None:
    """A chat's conversation_id (a query parameter) is the key to its transcript."""
    log_format = config().split("log_format", 1)[1].split(";", 1)[0]
    assert "$uri" in log_format
    for variable in ("$request ", '$request"', "$request_uri", "$args", "$query_string"):
        assert variable not in log_format
