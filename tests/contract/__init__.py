"""Contract suites, one per port: the fake or in-memory twin and the real adapter (SQLite,
PostgreSQL, the sandbox ABS, llama.cpp) inherit the same test class and must pass it alike.
``make test-fast`` runs these too."""
