"""Engines and sessions through oslo.db's enginefacade.

One :class:`Database` per connection URL. The service uses the one built
from ``[database]``; tests build their own against a scratch database.
"""

import os

from oslo_db.sqlalchemy import enginefacade
import sqlalchemy as sa
from sqlalchemy.engine import url as sa_url

from async_api import conf as async_conf

# Writers from several processes share one SQLite file: WAL lets readers go
# on while one writes, and busy_timeout makes a writer wait for the lock
# instead of failing at once.
_SQLITE_PRAGMAS = (
    'PRAGMA journal_mode=WAL',
    'PRAGMA synchronous=NORMAL',
    'PRAGMA busy_timeout=30000',
    'PRAGMA foreign_keys=ON',
)


def _sqlite_on_connect(dbapi_conn, _record):
    # pysqlite opens transactions lazily and lets SELECTs run outside them;
    # BEGIN IMMEDIATE on writes is handled by callers that need it.
    cursor = dbapi_conn.cursor()
    try:
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def ensure_sqlite_dir(url):
    """Create the directory of a file SQLite URL, so first start works."""
    parsed = sa_url.make_url(url)
    if parsed.get_backend_name() == 'sqlite' and parsed.database not in (
            None, '', ':memory:'):
        directory = os.path.dirname(os.path.abspath(parsed.database))
        os.makedirs(directory, exist_ok=True)


class _TransactionScope:
    """What enginefacade keeps one transaction's state on."""


class _Sessions:
    """enginefacade's reader or writer, with the context made optional.

    Pass a context to join its transaction; without one, each ``using``
    block is a transaction of its own.
    """

    def __init__(self, manager):
        self._manager = manager

    def using(self, context=None):
        return self._manager.using(
            context if context is not None else _TransactionScope())


class Database:
    """A connection URL with its enginefacade transaction context."""

    def __init__(self, connection, **engine_options):
        self.connection = connection
        ensure_sqlite_dir(connection)
        self._context = enginefacade.transaction_context()
        self._context.configure(connection=connection, **engine_options)
        self._hooked = False

    @property
    def engine(self):
        engine = self._context.writer.get_engine()
        if not self._hooked:
            self._hooked = True
            if engine.dialect.name == 'sqlite':
                sa.event.listen(engine, 'connect', _sqlite_on_connect)
                # Connections opened before the hook still need it.
                engine.dispose()
        return engine

    @property
    def writer(self):
        """Sessions that write: ``with db.writer.using() as session``."""
        self.engine  # noqa: B018 - make sure the connect hook is in place
        return _Sessions(self._context.writer)

    @property
    def reader(self):
        """Sessions that only read."""
        self.engine  # noqa: B018
        return _Sessions(self._context.reader)

    def dispose(self):
        self._context.dispose_pool()


_DATABASE = None


def from_conf(conf):
    """The process-wide :class:`Database` for ``[database]`` in ``conf``.

    Pool and retry settings are read from ``[database]`` by oslo.db itself.
    """
    global _DATABASE
    if _DATABASE is None:
        _DATABASE = Database(conf.database.connection)
    return _DATABASE


def current():
    """The process-wide :class:`Database`, built from CONF on first use."""
    if _DATABASE is None:
        return from_conf(async_conf.CONF)
    return _DATABASE


def set_database(database):
    """Replace the process-wide database (tests, embedded commands)."""
    global _DATABASE
    _DATABASE = database
