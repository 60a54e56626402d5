#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the browser tests,
# installing it with apt-get when missing. Idempotent, and silent when nothing was needed.
set -euo pipefail

[[ -x /usr/bin/chromium ]] && exit 0

as_root() {
	if [[ $(id -u) -eq 0 ]]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo -n "$@"
	else
		echo "ensure-chromium: need root to run: $*" >&2
		exit 1
	fi
}

echo "ensure-chromium: installing Chromium from Debian's packages" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! as_root env DEBIAN_FRONTEND=noninteractive bash -c \
	'apt-get update && apt-get install -y --no-install-recommends chromium' >"$log" 2>&1; then
	cat "$log" >&2
	echo "ensure-chromium: apt-get install chromium failed" >&2
	exit 1
fi
[[ -x /usr/bin/chromium ]] || { echo "ensure-chromium: /usr/bin/chromium still missing" >&2; exit 1; }
