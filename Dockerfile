# asistent — one image for the bot (asistent run) and the workers (asistent worker).
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app

# OCR for photos of tax notices (core/notices/ocr.py): Tesseract with Russian and Kazakh, pdftoppm for scanned PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-rus tesseract-ocr-kaz poppler-utils \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first (every one pinned with hashes), so a code change does not reinstall them.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY core ./core
COPY dialogs ./dialogs
COPY nlu ./nlu
COPY integrations ./integrations
RUN pip install --no-deps --no-build-isolation . \
    && useradd --create-home --uid 10001 asistent \
    && mkdir -p /data && chown asistent /data

USER asistent
ENV DATA_DIR=/data \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080
VOLUME ["/data"]
EXPOSE 8080

HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=5 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2)"

CMD ["sh", "-c", "asistent migrate && exec asistent run"]
