"""The REST API (``/api/v1/``): per-tenant keys, upserts by external id, bulk writes,
idempotent retries, cursor pages and one problem-details error format.

Writes go through ``receivables.upsert`` and ``receivables.ledger`` only; this package
parses and types what clients send and shapes what they get back.
"""
