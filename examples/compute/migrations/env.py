"""Alembic environment of the compute service's own tables.

Run online only, on the connection :func:`compute.db.upgrade` hands
over, and recorded in the service's own version table.
"""

from alembic import context

from compute import db

context.configure(connection=context.config.attributes['connection'],
                  target_metadata=db.Base.metadata,
                  version_table=db.VERSION_TABLE,
                  render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
