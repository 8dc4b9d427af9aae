"""Alembic environment of the bare-metal service's own tables.

A history of its own, beside the library's, in a version table of its own:
the library's migrations never create ``nodes`` or ``conductors`` in a host
service's database.
"""

from alembic import context

from async_api.baremetal.db import migration
from async_api.baremetal.db import models


def run_migrations_online():
    connection = context.config.attributes['connection']
    context.configure(connection=connection,
                      target_metadata=models.Base.metadata,
                      version_table=migration.VERSION_TABLE,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
