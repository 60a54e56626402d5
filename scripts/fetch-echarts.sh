#!/usr/bin/env bash
# Fetches the pinned Apache ECharts build into gateway/web/static/vendor/, checking the npm
# tarball's SHA-256. The files are committed (the binary embeds them), so builds need no network;
# run this only to change the version: update VERSION and SHA256 together.
set -euo pipefail

readonly VERSION=5.6.0
readonly SHA256=e1b82487dd7f8d9f0438eec1f1433051148e0095ac7a15d4db890afda45cf610
readonly URL="https://registry.npmjs.org/echarts/-/echarts-${VERSION}.tgz"

root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/gateway/web/static/vendor"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

curl -fsSL -o "$tmp/echarts.tgz" "$URL"
echo "$SHA256  $tmp/echarts.tgz" | sha256sum -c --quiet -
tar -xzf "$tmp/echarts.tgz" -C "$tmp" package/dist/echarts.min.js package/LICENSE
mkdir -p "$dest"
install -m 0644 "$tmp/package/dist/echarts.min.js" "$dest/echarts.min.js"
install -m 0644 "$tmp/package/LICENSE" "$dest/ECHARTS-LICENSE"
echo "fetch-echarts: echarts $VERSION → $dest" >&2
