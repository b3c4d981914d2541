from integrations.importers.command import ImportCommand


class Command(ImportCommand):
    kind = "customers"
