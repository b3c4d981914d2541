"""The hand-entry page, mounted at ``/t/<tenant_slug>/integrations/new/``."""

from django.urls import path

from integrations.manual import views

urlpatterns = [path("", views.add_by_hand_page, name="add_by_hand")]
