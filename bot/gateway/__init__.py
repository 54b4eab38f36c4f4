"""The bank's own model gateway: an OpenAI-compatible endpoint for its other systems.

- ``api``: ``/v1/chat/completions`` (SSE and not), ``/v1/models``, ``/v1/embeddings``, with
  OpenAI-shaped errors;
- ``service``: one call's way: the client's key, its quotas, the screening for personal data,
  the route, the upstream, the audit row;
- ``keys``: client keys, stored hashed, revocable; ``router``: the one pure function that
  states where a request may go; ``screening`` and ``pseudonyms``: personal data found, and
  replaced by placeholders that are put back in the answer; ``upstreams``: the local model
  and the OpenAI-compatible servers named in the settings; ``knowledge``: the
  ``perimeter-kb`` model (the assistant's answerer, with its sources).
"""
