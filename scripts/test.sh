#!/usr/bin/env bash
# Runs podnet's test suite: compile, then node's test runner over every *_test.js.
# `scripts/test.sh unit` skips the tests that need root (they skip themselves when not root anyway).
# `scripts/test.sh FILTER` runs only test files whose path contains FILTER.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json
filter="${1:-}"
mapfile -t files < <(find dist -name '*_test.js' -not -path '*/node_modules/*' | sort | { if [ -n "$filter" ] && [ "$filter" != unit ]; then grep -F -- "$filter"; else cat; fi; })
if [ "${#files[@]}" -eq 0 ]; then echo "no test files match '${filter}'" >&2; exit 1; fi
[ "$filter" = unit ] && export PODNET_SKIP_ROOT_TESTS=1
exec node --test --test-concurrency=1 --test-timeout=300000 "${files[@]}"
