# Perimeter image: `docker build -t perimeter .` (or `docker compose build`).
#
# Two stages: the first compiles what needs a compiler (llama-cpp-python builds llama.cpp
# from source) into a virtualenv; the second copies only that virtualenv.
# PyTorch comes as the CPU-only wheel from the PyTorch CPU index; everything else from the
# package index configured for pip (set PIP_INDEX_URL at build time to use a mirror).

FROM python:3.11-slim AS build

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
# from PyPI alone: no package is looked up on two indexes at once (dependency confusion).
RUN pip install --index-url https://download.pytorch.org/whl/cpu "torch==2.13.0" \
 && pip install --constraint constraints.txt .


FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    PERIMETER_DATA_DIR=/data

# libgomp1: OpenMP runtime that llama.cpp is linked against.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --create-home --home-dir /home/perimeter \
        --shell /usr/sbin/nologin perimeter \
    && mkdir -p /data \
    && chown perimeter:perimeter /data

COPY --from=build /opt/venv /opt/venv

# Code and sample knowledge base stay root-owned (read-only for the app); state goes to /data.
WORKDIR /app
COPY examples ./examples

USER perimeter
VOLUME ["/data"]
EXPOSE 8080 8081

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status == 200 else 1)"]

ENTRYPOINT ["perimeter"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
