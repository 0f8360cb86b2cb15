#!/usr/bin/env bash
# The README's test command (`npm test`). Makes sure what the tests need is there, then runs them:
# Knot, Unbound and dig for the DNS lab (installed from Debian's packages when missing and we are
# root), a Redis answering on REDIS_URL's port (started when none answers), a fresh build, the
# linter, then every test (unit and integration).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-test-services.sh
npm run --silent build
npx biome check .
if [ $# -gt 0 ]; then
  npx vitest run "$@"
else
  # Wall-clock bounds are measured last, one file at a time (vitest.config.ts, "timing").
  npx vitest run --project unit --project integration
  npx vitest run --project timing
fi
