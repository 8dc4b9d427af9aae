"""The engine a standalone board opens for its ``connection`` URL.

PostgreSQL and MySQL go through oslo.db's enginefacade
(:class:`async_api.db.engine.Database`): pooling, connection retries and
error translation. SQLite files do not: oslo.db gives them a NullPool, so
every statement would open the file and rerun the WAL pragmas, which made
each post and claim about 5 times slower (measured with
tools/benchmarks/jobboard.py). Here they get a small QueuePool instead, with
the same pragmas and oslo.db's error translation.
"""

from oslo_db.sqlalchemy import exc_filters
import sqlalchemy as sa
from sqlalchemy.engine import url as sa_url
from sqlalchemy import pool

from async_api.db import engine as db_engine

# As async_api.db.engine: WAL so readers never block the writer, and a
# busy timeout so that writers from several processes queue for the lock
# instead of failing.
_SQLITE_PRAGMAS = (
    'PRAGMA journal_mode=WAL',
    'PRAGMA synchronous=NORMAL',
    'PRAGMA busy_timeout=30000',
)


def _on_connect(dbapi_conn, _record):
    cursor = dbapi_conn.cursor()
    try:
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


class SQLiteDatabase:
    """A pooled engine on one SQLite file (same surface as Database)."""

    def __init__(self, connection, pool_size=5):
        db_engine.ensure_sqlite_dir(connection)
        self.connection = connection
        # The pool hands a connection to one thread at a time, so sharing
        # it between threads (the lease keeper's and callers') is safe.
        self.engine = sa.create_engine(
            connection, poolclass=pool.QueuePool, pool_size=pool_size,
            max_overflow=pool_size * 2,
            connect_args={'check_same_thread': False})
        sa.event.listen(self.engine, 'connect', _on_connect)
        exc_filters.register_engine(self.engine)

    def dispose(self):
        self.engine.dispose()


def open_database(connection, **options):
    """A Database-like object (``engine``, ``dispose()``) for a URL."""
    url = sa_url.make_url(connection)
    if url.get_backend_name() == 'sqlite' and url.database not in (
            None, '', ':memory:'):
        return SQLiteDatabase(connection, **options)
    return db_engine.Database(connection, **options)
