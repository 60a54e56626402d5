#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the browser tests, with a CJK font
# so that Chinese pages render (and screenshot) as text rather than boxes; installs what is
# missing with apt-get, and poppler-utils (pdftotext, pdftoppm) so that tests can read the PDFs
# Signoff prints and look at their pages. Idempotent, and silent when nothing was needed.
set -euo pipefail

packages=()
[[ -x /usr/bin/chromium ]] || packages+=(chromium)
if [[ ! -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]] &&
	{ ! command -v fc-list >/dev/null || [[ -z $(fc-list :lang=zh 2>/dev/null) ]]; }; then
	packages+=(fonts-wqy-microhei)
fi
command -v pdftoppm >/dev/null && command -v pdftotext >/dev/null || packages+=(poppler-utils)
[[ ${#packages[@]} -eq 0 ]] && exit 0

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

echo "ensure-chromium: installing ${packages[*]} from Debian's packages" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! as_root env DEBIAN_FRONTEND=noninteractive bash -c \
	"apt-get update && apt-get install -y --no-install-recommends ${packages[*]}" >"$log" 2>&1; then
	cat "$log" >&2
	echo "ensure-chromium: apt-get install ${packages[*]} failed" >&2
	exit 1
fi
[[ -x /usr/bin/chromium ]] || { echo "ensure-chromium: /usr/bin/chromium still missing" >&2; exit 1; }
