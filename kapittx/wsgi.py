"""The web process. With DEBUG off it refuses to start while the security checks (those of
``check --deploy`` included) report an error, such as a webhook password or a credential key
missing: gunicorn then fails to boot."""

import os

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kapittx.settings")

application = get_wsgi_application()

if not settings.DEBUG:
    found = checks.run_checks(tags=[checks.Tags.security], include_deployment_checks=True)
    errors = [m for m in found if m.is_serious()]
    if errors:
        raise ImproperlyConfigured(
            "Refusing to start:\n" + "\n".join(f"{m.id}: {m.msg} {m.hint or ''}" for m in errors)
        )
