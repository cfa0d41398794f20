# Sourced by scripts/test/test.sh: the native-engine tests run Debian's tesseract 5 with its Vietnamese model.
# Installs them with apt when they are missing and this is a root shell on Debian (CI); otherwise says what to do.
if ! command -v tesseract >/dev/null 2>&1 || [ ! -s /usr/share/tesseract-ocr/5/tessdata/vie.traineddata ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's tesseract-ocr and tesseract-ocr-vie for the native-engine tests" >&2
    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends tesseract-ocr tesseract-ocr-vie) >&2
  else
    echo "tesseract is missing: install it (sudo apt-get install tesseract-ocr tesseract-ocr-vie) for the native-engine tests" >&2
  fi
fi
