"""Moving the test database to a migration and back, for tests of migrations' data steps."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    """Migrate to ``targets``; return the apps registry of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    """Return the latest migration of every app."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()
