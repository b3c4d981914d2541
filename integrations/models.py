"""The integrations layer's models, one import line per area."""

from integrations.api.models import ApiKey as ApiKey
from integrations.api.models import IdempotencyRecord as IdempotencyRecord
from integrations.importers.models import ImportJob as ImportJob
from integrations.outgoing.models import OverdueWatermark as OverdueWatermark
from integrations.outgoing.models import WebhookDelivery as WebhookDelivery
from integrations.outgoing.models import WebhookSubscription as WebhookSubscription
