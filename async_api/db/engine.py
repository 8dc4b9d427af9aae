"""Engines and sessions.

One :class:`Database` per connection URL. The service uses the one built
from ``[database]``; tests build their own against a scratch database.

PostgreSQL and MySQL go through oslo.db's enginefacade (pooling, retries,
error translation, options from ``[database]``). SQLite files do not:
oslo.db gives them a NullPool, so every session would reopen the file and
rerun the pragmas below, which made each jobboard post and claim about
five times slower (tools/benchmarks/jobboard.py). They get a small
QueuePool instead, with oslo.db's error translation all the same.

Pooled connections heal on their own after an outage. oslo.db's engines
check each connection as it leaves the pool (``pool_pre_ping``) and turn
lost connections into DBConnectionError, invalidating the pool. The
SQLite pool retires a connection that met an I/O or read-only error, and
with it the idle ones (see
:func:`async_api.common.outages.sqlite_disconnect`): after the file is
writable again, requests succeed without a restart. It does not
pre-ping: a ``SELECT 1`` succeeds on a read-only or unwritable file, so
it would find nothing, at a statement per checkout (a power task checks
out about forty connections; the pings were 3-4 % of the service's CPU).
"""

import contextlib
import os

from oslo_config import cfg
from oslo_db.sqlalchemy import enginefacade
from oslo_db.sqlalchemy import exc_filters
import sqlalchemy as sa
from sqlalchemy.engine import url as sa_url
from sqlalchemy import orm
from sqlalchemy import pool

from async_api.common import extras
from async_api.common import outages
from async_api.db import checkpoints

# Writers from several processes share one SQLite file: WAL lets readers go
# on while one writes, synchronous=NORMAL is durable across a process crash
# (only power loss can drop the last commits), and busy_timeout makes a
# writer wait for the lock instead of failing at once. Checkpoints run in
# a thread of their own; the pool's own are a safety net (see
# async_api.db.checkpoints).
_SQLITE_PRAGMAS = (
    'PRAGMA journal_mode=WAL',
    'PRAGMA synchronous=NORMAL',
    'PRAGMA busy_timeout=30000',
    'PRAGMA foreign_keys=ON',
    checkpoints.SAFETY_PRAGMA,
)


def _sqlite_on_connect(dbapi_conn, _record):
    cursor = dbapi_conn.cursor()
    try:
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def _sqlite_handle_error(context):
    # SQLAlchemy then invalidates the connection (and the pool's idle
    # ones), so that the next checkout opens the file afresh.
    error = context.original_exception
    if (not context.is_disconnect and error is not None
            and outages.sqlite_disconnect(error)):
        context.is_disconnect = True


def is_sqlite_file(url):
    parsed = sa_url.make_url(url)
    return parsed.get_backend_name() == 'sqlite' and parsed.database not in (
        None, '', ':memory:')


def ensure_sqlite_dir(url):
    """Create the directory of a file SQLite URL, so first start works."""
    if is_sqlite_file(url):
        database = sa_url.make_url(url).database
        os.makedirs(os.path.dirname(os.path.abspath(database)),
                    exist_ok=True)


class _TransactionScope:
    """What enginefacade keeps one transaction's state on."""


class _FacadeSessions:
    """enginefacade's reader or writer, with the context made optional.

    Pass a context to join its transaction; without one, each ``using``
    block is a transaction of its own.
    """

    def __init__(self, manager):
        self._manager = manager

    def using(self, context=None):
        return self._manager.using(
            context if context is not None else _TransactionScope())


class _PlainSessions:
    """The same ``using()`` over a plain sessionmaker (SQLite files)."""

    def __init__(self, maker, commit):
        self._maker = maker
        self._commit = commit

    @contextlib.contextmanager
    def using(self, context=None):
        session = self._maker()
        try:
            yield session
            if self._commit:
                session.commit()
            # A reader just closes: a rollback would expire the objects
            # it loaded, and close() ends its transaction all the same.
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


class Database:
    """A connection URL with its engine and sessions.

    ``with db.writer.using() as session`` is one transaction, committed
    when the block ends; ``db.reader`` never commits.
    """

    def __init__(self, connection, pool_size=5):
        extras.require_driver(connection, 'The async_api database')
        self.connection = connection
        ensure_sqlite_dir(connection)
        if is_sqlite_file(connection):
            # The pool hands a connection to one thread at a time, so
            # sharing the engine between threads is safe.
            self.engine = sa.create_engine(
                connection, poolclass=pool.QueuePool, pool_size=pool_size,
                max_overflow=pool_size * 2,
                connect_args={'check_same_thread': False})
            sa.event.listen(self.engine, 'connect', _sqlite_on_connect)
            sa.event.listen(self.engine, 'handle_error',
                            _sqlite_handle_error)
            exc_filters.register_engine(self.engine)
            self._checkpoints = checkpoints.Checkpointer(
                self.engine, sa_url.make_url(connection).database)
            maker = orm.sessionmaker(bind=self.engine,
                                     expire_on_commit=False)
            self.writer = _PlainSessions(maker, commit=True)
            self.reader = _PlainSessions(maker, commit=False)
            self._context = None
        else:
            self._checkpoints = None
            self._context = enginefacade.transaction_context()
            self._context.configure(connection=connection)
            self.engine = self._context.writer.get_engine()
            self.writer = _FacadeSessions(self._context.writer)
            self.reader = _FacadeSessions(self._context.reader)

    def dispose(self):
        if self._checkpoints is not None:
            self._checkpoints.stop()
        if self._context is not None:
            self._context.dispose_pool()
        else:
            self.engine.dispose()


_DATABASE = None


def connection_url(conf):
    """The URL of the library's tables.

    ``[async_api_database]connection`` when set, else the host service's
    own ``[database]connection`` (oslo.db's group, registered by the
    host): by default the library shares the host's database.
    """
    url = conf.async_api_database.connection
    if url:
        return url
    try:
        url = conf.database.connection
    except (cfg.NoSuchOptError, cfg.NoSuchGroupError, AttributeError):
        url = None
    if not url:
        raise cfg.RequiredOptError('connection',
                                   cfg.OptGroup('async_api_database'))
    return url


def pool_options(conf):
    """oslo.db's pool settings from the host's ``[database]``, if any."""
    try:
        database = conf.database
        values = (('pool_size', database.max_pool_size),
                  ('max_overflow', database.max_overflow),
                  ('pool_timeout', database.pool_timeout),
                  ('pool_recycle', database.connection_recycle_time))
    except (cfg.NoSuchOptError, cfg.NoSuchGroupError, AttributeError):
        return {}
    return {key: value for key, value in values if value is not None}


def from_conf(conf):
    """The process-wide :class:`Database` for the library's tables.

    On PostgreSQL and MySQL, oslo.db itself reads the pool and retry
    settings from ``[database]``. A SQLite file ignores them: its pool is
    the fixed one of :class:`Database` (5 connections and 10 more at
    need), which measured no slower than larger ones.
    """
    global _DATABASE
    if _DATABASE is None:
        _DATABASE = Database(connection_url(conf))
    return _DATABASE


def current():
    """The process-wide :class:`Database`.

    Set up by :func:`from_conf` (or :func:`set_database`) when the
    service starts; until then there is none to use.
    """
    if _DATABASE is None:
        raise RuntimeError('The async_api database is not set up: call '
                           'async_api.db.engine.from_conf(conf) first')
    return _DATABASE


def set_database(database):
    """Replace the process-wide database (tests, embedded commands)."""
    global _DATABASE
    _DATABASE = database
