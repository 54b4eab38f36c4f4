# Perimeter image: `docker build -t perimeter .` (or `docker compose build`).
#
# Two stages: the first compiles what needs a compiler (llama-cpp-python builds llama.cpp from
# source) into a virtualenv; the second copies only that virtualenv.
#
# The base image is pinned by version, not by digest: a tag is rebuilt with every Debian fix,
# so a digest is only worth pinning as served by the registry the bank builds from, and these
# files are written where no registry can be asked. Pin it at build time:
#   docker build --build-arg PYTHON_IMAGE=python:3.11.14-slim-bookworm@sha256:<digest> .
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

FROM ${PYTHON_IMAGE} AS build

# "sentence-transformers" adds that embeddings backend and PyTorch (CPU wheel, ~200 MB);
# the default embeddings need neither.
ARG EXTRAS=""
# llama.cpp for any x86-64 CPU of the last decade: the native build (-march=native) of the
# build machine dies with SIGILL (AMX) on other CPUs. The same flags as the Makefile's.
ARG LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
# Mirrors for an air-gapped build: the package index, and PyTorch's CPU wheels.
ARG PIP_INDEX_URL
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential cmake \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY bot ./bot
COPY rag ./rag
COPY integrations ./integrations
COPY prompts ./prompts
# torch alone from PyTorch's CPU index (--index-url: only that index for it), then the rest
# from the package index alone: no package is looked up on two indexes (dependency confusion).
RUN if [ "$EXTRAS" = "sentence-transformers" ]; then \
        pip install --index-url "$TORCH_INDEX_URL" "torch==2.13.0+cpu"; \
    elif [ -n "$EXTRAS" ]; then \
        echo "EXTRAS: only sentence-transformers is known, not $EXTRAS" >&2; exit 1; \
    fi \
 && CMAKE_ARGS="$LLAMA_CMAKE_ARGS" pip install --constraint constraints.txt ".${EXTRAS:+[$EXTRAS]}"


FROM ${PYTHON_IMAGE}

LABEL org.opencontainers.image.title="perimeter" \
      org.opencontainers.image.description="Self-hosted customer-support assistant for banks"

# The image's defaults point at the bank's own folders, never at the demo:
# - /kb: the knowledge base to import on first start (mounted; absent means none);
# - /config: optional files of the bank's content team (eval-cases.yaml for /admin's preview);
# - /data: state, and the cache of embedded models so they survive a new container.
# Account intents are product phrasing, not the demo bank's content: they ship at /app/intents.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    PERIMETER_DATA_DIR=/data \
    PERIMETER_CACHE_DIR=/data/cache \
    PERIMETER_KB_DIR=/kb \
    PERIMETER_INTENTS_FILE=/app/intents/account.yaml \
    PERIMETER_EVAL_CASES_FILE=/config/eval-cases.yaml \
    PERIMETER_LOG_FORMAT=json

# libgomp1: OpenMP runtime that llama.cpp is linked against; DejaVu: transcripts as PDF.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 perimeter \
    && useradd --system --uid 10001 --gid 10001 --create-home --home-dir /home/perimeter \
        --shell /usr/sbin/nologin perimeter \
    && mkdir -p /data \
    && chown perimeter:perimeter /data

COPY --from=build /opt/venv /opt/venv

# Code and files stay root-owned (read-only for the app); state goes to /data. The demo bank
# (examples/) is in the image for the compose profile `demo` alone, which points its settings
# at /app/examples; nothing else reads it.
WORKDIR /app
COPY examples/intents/account.yaml ./intents/account.yaml
COPY examples ./examples

USER 10001:10001
VOLUME ["/data"]
EXPOSE 8080 8081

# Liveness only: the process answers. Readiness (database, Redis, Qdrant, the model) is
# /readyz, which compose and Kubernetes ask for separately.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status == 200 else 1)"]

ENTRYPOINT ["perimeter"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
