#!/usr/bin/env bash
# podnet's test suite: installs what is missing (scripts/setup.sh), compiles, then runs node's test
# runner over every *_test.js, one file at a time (root tests build network namespaces).
#   scripts/test.sh            everything (root tests skip themselves when not root)
#   scripts/test.sh unit       only tests that need no root
#   scripts/test.sh FILTER     only test files whose path contains FILTER
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx tsc -p tsconfig.json
filter="${1:-}"
mapfile -t files < <(find dist -name '*_test.js' -not -path '*/node_modules/*' | sort | { if [ -n "$filter" ] && [ "$filter" != unit ]; then grep -F -- "$filter"; else cat; fi; })
if [ "${#files[@]}" -eq 0 ]; then echo "no test files match '${filter}'" >&2; exit 1; fi
[ "$filter" = unit ] && export PODNET_SKIP_ROOT_TESTS=1
exec node --test --test-concurrency=1 --test-timeout=300000 "${files[@]}"
