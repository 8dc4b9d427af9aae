"""Alembic environment of the frozen legacy history (test data).

Like the environment it was shipped with: alembic's default
``alembic_version`` table, run online on a connection we are given.
"""

from alembic import context


def run_migrations_online():
    connection = context.config.attributes['connection']
    context.configure(connection=connection, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
