"""The database a standalone board opens for its ``connection`` URL.

It is :class:`async_api.db.engine.Database`: oslo.db's enginefacade for
PostgreSQL and MySQL, a pooled WAL engine for SQLite files.
"""

from async_api.db import engine as db_engine


def open_database(connection, **options):
    """A :class:`~async_api.db.engine.Database` for a URL."""
    return db_engine.Database(connection, **options)
