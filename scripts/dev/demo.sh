#!/usr/bin/env bash
# Digitizes the committed sample batch into ./out with the embedded defaults (local folders, no servers).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/dev/ensure-node.sh
exec node bin/sohoa.js run samples/batch --out out "$@"
