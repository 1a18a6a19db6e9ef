"""The log line formats, shared by Django's LOGGING (settings) and gunicorn's own logging
(config/gunicorn.py, which is read before Django starts and so cannot import the settings)."""

FIELDS = "%(asctime)s %(levelname)s %(name)s"
RENAMED = {"asctime": "time", "levelname": "level", "name": "logger"}


def formatters(*, request_id: bool) -> dict:
    """`json` (production: one JSON object a line) and `text` (development), with the request
    id where the records carry one (django-guid's filter adds it to Django's records)."""
    json_format = f"{FIELDS} %(message)s" + (" %(request_id)s" if request_id else "")
    text_format = (
        f"{FIELDS} [%(request_id)s] %(message)s" if request_id else f"{FIELDS} %(message)s"
    )
    return {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": json_format,
            "rename_fields": dict(RENAMED),
        },
        "text": {"format": text_format},
    }
