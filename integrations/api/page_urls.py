from django.urls import path

from integrations.api import pages

urlpatterns = [
    path("api-keys/", pages.api_keys, name="api_keys"),
    path("api-keys/revoke/", pages.api_key_revoke, name="api_key_revoke"),
]
