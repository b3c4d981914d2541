"""What receivables tells the layers above when rows change without a model save.

Bulk writes (imports, API batches) skip Django's per-row signals; they send these instead,
once per batch, so reminders can place the changed invoices on their workflows again.
"""

from django.dispatch import Signal

#: Sent with ``tenant_id`` and ``invoice_ids``: invoices created or changed in bulk; and
#: ``new_ids``, those of them created by this batch.
invoices_changed = Signal()

#: Sent with ``tenant_id`` and ``customer_ids``: customers changed in bulk.
customers_changed = Signal()
