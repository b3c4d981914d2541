"""Provider webhooks, mounted at /hooks/ (the addresses providers are given)."""

from django.urls import path

from reminders.channels.email import platform_webhooks, tenant_webhooks, unsubscribe
from reminders.channels.sms import webhooks as sms
from reminders.channels.twilio import status
from reminders.channels.voice import webhooks as voice

app_name = "hooks"

urlpatterns = [
    path(
        "anymail/<str:esp>/<str:kind>/",
        platform_webhooks.platform_esp_webhook,
        name="platform_esp_webhook",
    ),
    path(
        "t/<int:tenant_id>/anymail/<str:esp>/<str:kind>/",
        tenant_webhooks.tenant_esp_webhook,
        name="tenant_esp_webhook",
    ),
    path("twilio/status/<int:dispatch_id>/", status.twilio_status, name="twilio_status"),
    path("twilio/inbound/", sms.twilio_inbound, name="twilio_inbound"),
    path("twilio/voice/<int:dispatch_id>/", voice.voice_script, name="twilio_voice"),
    path("twilio/voice/<int:dispatch_id>/gather/", voice.voice_gather, name="twilio_gather"),
    path("unsubscribe/<str:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
]
