"""The deployment files as a bank's IT runs them: docker-compose.yml and its override, the
Dockerfile, the TLS proxy's config and the Helm chart, checked without a Docker engine or a
cluster (nginx and helm run locally)."""
