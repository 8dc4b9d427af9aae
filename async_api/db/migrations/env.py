"""Alembic environment: always run online, on a connection we are given.

The library's revision lives in a version table of its own, so that a host
service keeping its own alembic history in the same database (in alembic's
default ``alembic_version``) is never confused with it.
"""

from alembic import context

from async_api.db import migration
from async_api.db import models


def run_migrations_online():
    connection = context.config.attributes['connection']
    context.configure(connection=connection,
                      target_metadata=models.Base.metadata,
                      version_table=migration.VERSION_TABLE,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
