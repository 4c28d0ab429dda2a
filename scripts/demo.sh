#!/usr/bin/env bash
# The README's first command: Ferry's main job on the embedded default.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node_modules/node/bin/node src/cli/main.ts demo "$@"
