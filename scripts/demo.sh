#!/usr/bin/env bash
# The quick start's first command: install what is missing, then start a cluster with the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec bin/podnet up --nodes "${PODNET_NODES:-3}" --demo "$@"
