"""Reminder pages, mounted at ``/t/<tenant_slug>/reminders/``."""

from django.urls import path

from reminders.views import customers, outbox, preview, segments, settings, templates, workflows

urlpatterns = [
    path("workflows/", workflows.workflow_list, name="workflow_list"),
    path("workflows/new/", workflows.workflow_create, name="workflow_create"),
    path("workflows/<int:workflow_id>/", workflows.workflow_detail, name="workflow_detail"),
    path(
        "workflows/<int:workflow_id>/default/",
        workflows.workflow_set_default,
        name="workflow_set_default",
    ),
    path("templates/", templates.template_list, name="template_list"),
    path("templates/new/", templates.template_create, name="template_create"),
    path("templates/<int:template_id>/", templates.template_edit, name="template_edit"),
    path(
        "templates/<int:template_id>/variant/",
        templates.template_variant,
        name="template_variant",
    ),
    path(
        "templates/<int:template_id>/preview/",
        templates.template_preview,
        name="template_preview",
    ),
    path("segments/", segments.segment_list, name="segment_list"),
    path("segments/new/", segments.segment_create, name="segment_create"),
    path("segments/match-count/", segments.segment_match_count, name="segment_match_count"),
    path("segments/<int:segment_id>/", segments.segment_edit, name="segment_edit"),
    path("outbox/", outbox.outbox, name="outbox"),
    path("attention/", outbox.reminders_attention, name="reminders_attention"),
    path("outbox/<int:dispatch_id>/", outbox.dispatch_detail, name="dispatch_detail"),
    path("outbox/<int:dispatch_id>/cancel/", outbox.dispatch_cancel, name="dispatch_cancel"),
    path(
        "outbox/<int:dispatch_id>/send-again/",
        outbox.dispatch_send_again,
        name="dispatch_send_again",
    ),
    path("preview/", preview.reminder_preview, name="reminder_preview"),
    path("settings/", settings.reminder_settings, name="reminder_settings"),
    path("customers/workflows/", customers.customer_workflows, name="customer_workflows"),
    path(
        "customers/<int:customer_id>/",
        customers.customer_reminders_panel,
        name="customer_reminders_panel",
    ),
    path(
        "customers/<int:customer_id>/change/",
        customers.customer_reminders,
        name="customer_reminders",
    ),
    path(
        "customers/<int:customer_id>/send-now/",
        customers.customer_send_now,
        name="customer_send_now",
    ),
    path(
        "customers/<int:customer_id>/resume/",
        customers.customer_resume,
        name="customer_resume",
    ),
]
