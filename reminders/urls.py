"""Provider webhooks, mounted at /hooks/ (the addresses providers are given)."""

from django.urls import include, path

from reminders import tenant_webhooks, webhooks

app_name = "hooks"

urlpatterns = [
    path("anymail/", include("anymail.urls")),
    path(
        "t/<int:tenant_id>/anymail/<str:esp>/<str:kind>/", tenant_webhooks.tenant_esp_webhook,
        name="tenant_esp_webhook",
    ),
    path("twilio/status/<int:dispatch_id>/", webhooks.twilio_status, name="twilio_status"),
    path("twilio/inbound/", webhooks.twilio_inbound, name="twilio_inbound"),
    path("twilio/voice/<int:dispatch_id>/", webhooks.voice_script, name="twilio_voice"),
    path("twilio/voice/<int:dispatch_id>/gather/", webhooks.voice_gather, name="twilio_gather"),
    path("unsubscribe/<str:token>/", webhooks.unsubscribe, name="unsubscribe"),
]
