"""Collections pages, mounted at ``/t/<tenant_slug>/collections/``."""

from django.urls import path

from collections_app.views import timeline

urlpatterns = [
    path(
        "customers/<int:customer_id>/timeline/",
        timeline.customer_timeline,
        name="customer_timeline",
    ),
]
