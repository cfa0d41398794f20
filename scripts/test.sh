#!/usr/bin/env bash
# Installs what the tests need and runs them: type check, unit tests, end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-node.sh
. scripts/ensure-browser.sh
node --version
exec npm test
