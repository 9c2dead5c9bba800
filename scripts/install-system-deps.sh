#!/usr/bin/env bash
# Debian packages the test suite needs: Chromium (real-browser test), CJK fonts
# (Chinese in screenshots and PDFs), LibreOffice (opens the report), poppler (PDF -> PNG),
# PostgreSQL 15 (the store's tests start a server of their own; binaries in
# /usr/lib/postgresql/15/bin; no cluster is created or started here).
# Idempotent: does nothing when everything is present.
set -eu
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${need[*]} (run this script as root, or install them)" >&2
  exit 1
fi
echo "installing system packages: ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
