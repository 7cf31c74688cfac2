#!/usr/bin/env bash
# Runs the web UI's Vitest unit tests (knapsack, price maths, SSE client, …).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
web=$root/web
if [[ ! -f $web/node_modules/.package-lock.json || $web/package-lock.json -nt $web/node_modules/.package-lock.json ]]; then
  # As scripts/build-web does, and for the same reason (npm ci rejects vite 8's
  # unserved Windows-only optional dependency).
  npm --prefix "$web" install --no-save --no-audit --no-fund --loglevel=error
  touch "$web/node_modules/.package-lock.json"
fi
cd "$web"
exec npx --no-install vitest --run --reporter=default
