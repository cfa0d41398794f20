#!/usr/bin/env bash
# Installs what the tests need and runs them: type check, unit tests, end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/dev/ensure-node.sh
. scripts/dev/ensure-browser.sh
. scripts/dev/ensure-tesseract.sh
node --version
exec npm test
