#!/usr/bin/env bash
# Prepares what the tests need beyond Python packages, then runs the given command.
# - Debian's chromium for the headless-browser tests (installed when missing and we are root);
# - Debian's tesseract-ocr with Russian and Kazakh for the photo-of-a-notice (OCR) tests (same rule);
# - PostgreSQL: used when TEST_DATABASE_URL is set (.ci/run sets it); otherwise the PostgreSQL tests skip with a reason.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "test-env: installing Debian chromium for the browser tests" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils) >/dev/null 2>&1 \
    || echo "test-env: could not install chromium; browser tests will skip" >&2
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
  && { ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx rus \
       || ! tesseract --list-langs 2>/dev/null | grep -qx kaz; }; then
  echo "test-env: installing Debian tesseract-ocr (rus, kaz) for the OCR tests" >&2
  (apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-rus tesseract-ocr-kaz poppler-utils) \
    >/dev/null 2>&1 || echo "test-env: could not install tesseract-ocr; OCR tests will skip" >&2
fi
exec "$@"
