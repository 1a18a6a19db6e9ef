import logging
import os

from celery import Celery
from celery.signals import beat_init, setup_logging, task_failure

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("claimtracker")
# Every CELERY_* Django setting configures the app, so the environment is read in one place.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger("tracker.tasks")


@setup_logging.connect
def use_django_logging(**kwargs):
    """Workers and beat log as the web does (settings.LOGGING: stdout, JSON in production, the
    request id on every line) instead of Celery's own format."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


@task_failure.connect
def log_task_failure(sender=None, task_id=None, exception=None, **kwargs):
    """Every failed task, logged once with its name, id and traceback, as fields a log search
    can filter on."""
    name = getattr(sender, "name", str(sender))
    logger.error(
        "Task %s[%s] failed: %s",
        name,
        task_id,
        exception,
        exc_info=(type(exception), exception, exception.__traceback__) if exception else None,
        extra={"task_name": name, "task_id": task_id},
    )


@beat_init.connect
def sweep_when_beat_starts(sender, **kwargs):
    """Catch up at once after a deploy or restart instead of one interval later. There is
    exactly one beat per deployment, and the sweep is idempotent, so this is safe."""
    entry = sender.app.conf.beat_schedule["sweep-deadlines"]
    sender.app.send_task(entry["task"], **entry.get("options", {}))
