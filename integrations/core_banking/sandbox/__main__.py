"""``python -m integrations.core_banking.sandbox --data examples/bank.json --port 8090``.

The bearer token comes from ``PERIMETER_CORE_BANKING__TOKEN`` (never a flag: flags show in
``ps``). It is never printed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import uvicorn

from integrations.core_banking.sandbox import SeedError, create_sandbox_app, load_bank_data
from integrations.core_banking.sandbox.app import SandboxConfig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="perimeter-sandbox", description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("examples/bank.json"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--db", default="sqlite+aiosqlite://", help="SQLAlchemy async URL")
    parser.add_argument("--otp-ttl-s", type=float, default=300.0, help="one-time code lifetime")
    parser.add_argument(
        "--otp-resend-s", type=float, default=60.0, help="minimum time between codes per phone"
    )
    parser.add_argument(
        "--demo-phone",
        action="store_true",
        help="serve the SMS outbox without the token at /demo/phone (demo only)",
    )
    args = parser.parse_args(argv)
    token = os.environ.get("PERIMETER_CORE_BANKING__TOKEN", "")
    return serve(
        args.data,
        host=args.host,
        port=args.port,
        token=token,
        database_url=args.db,
        otp_ttl_s=args.otp_ttl_s,
        otp_resend_s=args.otp_resend_s,
        demo_phone=args.demo_phone,
    )


def serve(
    data_file: Path,
    *,
    host: str,
    port: int,
    token: str,
    database_url: str,
    otp_ttl_s: float = 300.0,
    otp_resend_s: float = 60.0,
    demo_phone: bool = False,
) -> int:
    if len(token) < 16:
        print("PERIMETER_CORE_BANKING__TOKEN must be set (at least 16 characters)", file=sys.stderr)
        return 2
    try:
        data = load_bank_data(data_file)
    except SeedError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    config = SandboxConfig(token=token, otp_ttl_s=otp_ttl_s, otp_resend_s=otp_resend_s)
    app = create_sandbox_app(
        data, token=token, database_url=database_url, config=config, demo_phone=demo_phone
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
