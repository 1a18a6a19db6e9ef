import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("claimtracker")
# Every CELERY_* Django setting configures the app, so the environment is read in one place.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
