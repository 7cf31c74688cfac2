#!/usr/bin/env bash
# Runs the web UI's Vitest unit tests (knapsack, price maths, SSE client, …).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
web=$root/web
"$root/scripts/install-web-deps"
cd "$web"
exec npx --no-install vitest --run --reporter=default
