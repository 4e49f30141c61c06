# alertbot: one container, SQLite by default (mount /data), PostgreSQL via ALERTBOT_DATABASE_URL.
# The database URL is not baked in: it runs in /data, so production defaults to
# /data/alertbot.db and `serve --sandbox` to /data/alertbot-sandbox.db (never the same file).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ALERTBOT_HOST=0.0.0.0 \
    ALERTBOT_PORT=8080 \
    ALERTBOT_CONFIG=/etc/alertbot/escalation.yaml \
    ALERTBOT_CONTACTS=/etc/alertbot/contacts

WORKDIR /app
COPY pyproject.toml README.md ./
COPY alertbot ./alertbot
RUN pip install --no-cache-dir . \
 && useradd --system --uid 10001 --home /data alertbot \
 && mkdir -p /data /etc/alertbot \
 && chown alertbot /data

COPY escalation.yaml /etc/alertbot/escalation.yaml
COPY contacts /etc/alertbot/contacts

USER alertbot
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2).status == 200 else 1)"
ENTRYPOINT ["alertbot"]
CMD ["serve"]
