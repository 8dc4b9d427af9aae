"""Apply and inspect the alembic migrations of async_api's schema."""

import os

from alembic import command as alembic_command
from alembic import config as alembic_config
from alembic import migration as alembic_migration

_SCRIPT_LOCATION = os.path.join(os.path.dirname(__file__), 'migrations')


def _config(connection):
    config = alembic_config.Config()
    config.set_main_option('script_location', _SCRIPT_LOCATION)
    config.attributes['connection'] = connection
    return config


def upgrade(engine, revision='head'):
    """Bring the schema behind ``engine`` up to ``revision``."""
    with engine.begin() as connection:
        alembic_command.upgrade(_config(connection), revision)


def version(engine):
    """The schema revision behind ``engine``, or None if none is applied."""
    with engine.connect() as connection:
        context = alembic_migration.MigrationContext.configure(connection)
        return context.get_current_revision()


def stamp(engine, revision):
    """Record ``revision`` as applied without running anything."""
    with engine.begin() as connection:
        alembic_command.stamp(_config(connection), revision)
