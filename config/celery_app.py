import os

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("claimtracker")
# Every CELERY_* Django setting configures the app, so the environment is read in one place.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@beat_init.connect
def sweep_when_beat_starts(sender, **kwargs):
    """Catch up at once after a deploy or restart instead of one interval later. There is
    exactly one beat per deployment, and the sweep is idempotent, so this is safe."""
    entry = sender.app.conf.beat_schedule["sweep-deadlines"]
    sender.app.send_task(entry["task"], **entry.get("options", {}))
