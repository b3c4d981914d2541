"""Collections pages, mounted at ``/t/<tenant_slug>/collections/``."""

from django.urls import path

from collections_app.views import portal_links, timeline

urlpatterns = [
    path(
        "customers/<int:customer_id>/timeline/",
        timeline.customer_timeline,
        name="customer_timeline",
    ),
    path(
        "customers/<int:customer_id>/contacts/<int:contact_id>/revoke-portal-links/",
        portal_links.revoke_contact_links,
        name="contact_revoke_portal_links",
    ),
]
