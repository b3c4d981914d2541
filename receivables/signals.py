"""What receivables tells the layers above when rows change without a model save.

Bulk writes (imports, API batches) skip Django's per-row signals; they send these instead,
once per batch or per page of a large one, so reminders can place the changed invoices on
their workflows again. Sent inside the batch's transaction: what a receiver writes commits
or rolls back with the batch.
"""

from django.dispatch import Signal

#: Sent with ``tenant_id`` and ``invoice_ids``: invoices created or changed in bulk; and
#: ``new_ids``, those of them created by this batch (or page).
invoices_changed = Signal()

#: Sent with ``tenant_id`` and ``customer_ids``: customers changed in bulk.
customers_changed = Signal()
