"""The Celery app. Beat only ticks; all schedule state lives in the database."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kapittx.settings")

app = Celery("kapittx")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
