# Sourced by scripts/test/test.sh: the report test opens report.html in Debian's chromium, driven by playwright-core.
# Installs it with apt when it is missing and this is a root shell on Debian (CI); otherwise says what to do.
if [ -z "${SOHOA_CHROMIUM:-}" ]; then
  if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "Installing Debian's chromium for the report test" >&2
      (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium) >&2
    else
      echo "chromium is missing: install it (sudo apt-get install chromium) or set SOHOA_CHROMIUM to a Chromium binary" >&2
    fi
  fi
  SOHOA_CHROMIUM="$(command -v chromium || true)"
fi
export SOHOA_CHROMIUM
