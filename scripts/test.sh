#!/usr/bin/env bash
# The README's test command: set up what is missing, then type-check, lint and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm test
