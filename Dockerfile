# dpo-bot: one image for the bot, its migrations and the operator's CLI.
FROM python:3.11-slim

# The slim image has no fonts: without DejaVuSans (Cyrillic) the /overview chart would draw
# boxes instead of Russian labels (handlers/render/overview_chart.py looks in
# /usr/share/fonts/truetype/dejavu/, where fonts-dejavu-core puts it).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# The database lives on the /data volume, which the `dpo` user owns; the local default
# (a relative `data/…`, i.e. /app/data here) is not writable, so .env.example leaves
# DATABASE_URL unset and this value applies.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATABASE_URL=sqlite+aiosqlite:////data/dpo-bot.sqlite3

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY services ./services
COPY models ./models
COPY migrations ./migrations
COPY locales ./locales
RUN pip install . && useradd --system --home /app dpo && mkdir /data && chown dpo /data

USER dpo
VOLUME ["/data"]
# Telegram's webhook (webhook mode), the HTTP API (API_TOKEN) and /healthz (always).
EXPOSE 8080
# `dpo-bot run` serves /healthz (database reachable: 200, else 503) on WEB_PORT in every mode.
# It asks 127.0.0.1, so WEB_HOST must be 0.0.0.0 (the default) or 127.0.0.1. The start period
# covers the migrations `run` applies first.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:${WEB_PORT:-8080}/healthz', timeout=4)" || exit 1
# `run` applies migrations first; SIGTERM stops it gracefully.
ENTRYPOINT ["dpo-bot"]
CMD ["run"]
