#!/usr/bin/env bash
# Installs what tests/print_cups.rs needs: CUPS, the cups-pdf virtual printer, pdftotext, and a
# monospace font with € and accents for CUPS' texttopdf. Idempotent: installs only what is
# missing, and runs apt-get update only when something is. Uses sudo only when not root.
#
# It does not start cupsd: there is no systemd on our machines, and the test starts cupsd and
# creates its queue itself, so it also works on a machine where this script ran long ago.
set -euo pipefail

packages=(cups cups-client printer-driver-cups-pdf poppler-utils fonts-dejavu-core)

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    if [ "$status" != "installed" ]; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "setup-cups: all installed (${packages[*]})"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null; then
    sudo=(sudo)
else
    echo "setup-cups: need root or sudo to install: ${missing[*]}" >&2
    exit 1
fi

echo "setup-cups: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
