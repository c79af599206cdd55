# dpo-bot: one image for the bot, its migrations and the operator's CLI.
FROM python:3.11-slim

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
RUN pip install . && useradd --system --home /app dpo && mkdir /data && chown dpo /data

USER dpo
VOLUME ["/data"]
EXPOSE 8080
# `run` applies migrations first; SIGTERM stops it gracefully.
ENTRYPOINT ["dpo-bot"]
CMD ["run"]
