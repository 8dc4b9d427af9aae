"""Apply and inspect the alembic migrations of the bare-metal service.

``nodes`` and ``conductors`` are the reference service's, not the
library's: they have a history of their own, recorded in
``async_api_baremetal_alembic_version``. The service upgrades the library's
tables first (:mod:`async_api.db.migration`), then these.
"""

import os

from alembic import command as alembic_command
from alembic import config as alembic_config
from alembic import migration as alembic_migration
import sqlalchemy as sa

from async_api.db import legacy

_SCRIPT_LOCATION = os.path.join(os.path.dirname(__file__), 'migrations')

#: Where the bare-metal service's alembic revision is recorded.
VERSION_TABLE = 'async_api_baremetal_alembic_version'

#: The revision whose schema is that of the first history's ``0006``.
LEGACY_REVISION = '0001'


def _config(connection):
    config = alembic_config.Config()
    config.set_main_option('script_location', _SCRIPT_LOCATION)
    config.attributes['connection'] = connection
    return config


def upgrade(engine, revision='head'):
    """Create or upgrade the bare-metal service's tables behind ``engine``.

    Run after :func:`async_api.db.migration.upgrade`: a database of the
    first, shared history is adopted by the library first.
    """
    with engine.begin() as connection:
        config = _config(connection)
        _adopt_legacy_tables(connection, config)
        alembic_command.upgrade(config, revision)


def version(engine):
    """The bare-metal schema revision behind ``engine``, or None."""
    with engine.connect() as connection:
        context = alembic_migration.MigrationContext.configure(
            connection, opts={'version_table': VERSION_TABLE})
        return context.get_current_revision()


def _adopt_legacy_tables(connection, config):
    """Take over ``nodes`` and ``conductors`` of the first, shared history.

    That history (see :mod:`async_api.db.legacy`) created them under the
    names they still have, so adopting them is only stamping our version
    table. It is the last step of the adoption, so it also deletes the
    first history's row from ``alembic_version``.
    """
    if sa.inspect(connection).has_table(VERSION_TABLE):
        return
    revision = legacy.legacy_revision(connection, ('nodes', 'conductors'))
    if revision is None:
        return
    if revision != legacy.HEAD or sa.inspect(connection).has_table('tasks'):
        # Deleting the row now would hide those tables from the library's
        # own adoption, and their data with them.
        raise legacy.LegacySchemaError(
            'The library\'s tables of this database have not been adopted '
            'yet: run async_api.db.migration.upgrade (async-api-dbsync '
            'upgrade does) before upgrading the bare-metal tables.')
    alembic_command.stamp(config, LEGACY_REVISION)
    legacy.forget_legacy_revision(connection)
