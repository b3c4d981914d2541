"""Demo data for the embedded run: a tenant with ~60 customers and 18 months of invoices,
payments and credit notes (``seed_demo``)."""
