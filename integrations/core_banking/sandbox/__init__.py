"""Sandbox ABS/CRM for the demo and the tests (see docs/core-banking-api.md)."""

from integrations.core_banking.sandbox.app import SandboxConfig, create_sandbox_app
from integrations.core_banking.sandbox.seed import BankData, SeedError, load_bank_data

__all__ = ["BankData", "SandboxConfig", "SeedError", "create_sandbox_app", "load_bank_data"]
