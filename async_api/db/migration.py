"""Apply and inspect the alembic migrations of the library's tables.

A service built on async_api keeps the library's tables in its own
database. It creates or upgrades them by calling :func:`upgrade` with its
engine (at deployment, or at start-up as ``async-api-all`` does), or by
running ``async-api-dbsync upgrade``. Every table of the library is named
``async_api_*`` and its revision is kept in ``async_api_alembic_version``,
so neither the host's tables nor the host's own alembic history (in
alembic's default ``alembic_version``) are touched.
"""

import os

from alembic import command as alembic_command
from alembic import config as alembic_config
from alembic import migration as alembic_migration

from async_api.db import legacy

_SCRIPT_LOCATION = os.path.join(os.path.dirname(__file__), 'migrations')

#: Where the library's alembic revision is recorded.
VERSION_TABLE = 'async_api_alembic_version'


def _config(connection):
    config = alembic_config.Config()
    config.set_main_option('script_location', _SCRIPT_LOCATION)
    config.attributes['connection'] = connection
    return config


def upgrade(engine, revision='head'):
    """Create or upgrade the library's tables behind ``engine``.

    This is what a host service calls to keep the library's schema in its
    own database (``async-api-dbsync upgrade`` calls it too). It is safe to
    call on every start: a schema at ``revision`` is left as it is.

    A database built by async_api's first migration history (plain table
    names, revision ``0006`` in ``alembic_version``) has its tables renamed,
    data kept, before the upgrade goes on; see
    :func:`async_api.db.legacy.adopt_unprefixed_tables`.

    :param engine: a SQLAlchemy engine on the host's database.
    :param revision: the library's revision to reach (default: the latest).
    :raises async_api.db.legacy.LegacySchemaError: the database holds an
        older revision of that first history.
    """
    with engine.begin() as connection:
        config = _config(connection)
        legacy.adopt_unprefixed_tables(connection, config)
        alembic_command.upgrade(config, revision)


def version(engine):
    """The library's schema revision behind ``engine``, or None."""
    with engine.connect() as connection:
        context = alembic_migration.MigrationContext.configure(
            connection, opts={'version_table': VERSION_TABLE})
        return context.get_current_revision()


def stamp(engine, revision):
    """Record ``revision`` as applied without running anything."""
    with engine.begin() as connection:
        alembic_command.stamp(_config(connection), revision)
