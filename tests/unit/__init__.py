"""Fast tests of one unit each: pure functions, the engine over fakes and in-memory stores,
adapters over in-process doubles (httpx.MockTransport). ``make test-fast`` runs these."""
