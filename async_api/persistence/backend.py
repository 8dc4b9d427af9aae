"""A durable and fast TaskFlow persistence backend on SQL databases.

Registered as ``asyncapi-sql`` under the ``taskflow.persistence`` entry
point namespace, it is fetched like any TaskFlow backend, with the
database URL behind an ``asyncapi-sql+`` prefix (options may ride in the
query string)::

    backend = taskflow.persistence.backends.fetch(
        'asyncapi-sql+sqlite:////var/lib/x.sqlite?sqlite_synchronous=FULL')

or built directly::

    backend = SQLBackend({'connection': 'sqlite:////var/lib/x.sqlite'})
    backend = SQLBackend({}, engine=some_sqlalchemy_engine)

Configuration keys (all optional but ``connection``):

``connection``
    SQLAlchemy URL, with or without the ``asyncapi-sql+`` prefix.
    Ignored when an ``engine`` is given.
``sqlite_synchronous``
    ``NORMAL`` (default) or ``FULL``. With WAL, ``NORMAL`` keeps every
    committed state change across a crash of the process; only a power
    loss or kernel crash may lose the last commits. ``FULL`` syncs the
    WAL on every commit and survives those too, at a cost per commit.
``sqlite_journal_mode``
    ``WAL`` (default). Other modes are accepted but slower.
``sqlite_busy_timeout``
    Milliseconds a writer waits for another process's write lock
    (default 30000).
``pool_size``, ``max_overflow``, ``pool_timeout``, ``pool_recycle``
    Connection pool settings for server databases.
``echo``
    Log every statement (SQLAlchemy ``echo``).

The SQLite settings are applied only to an engine this backend builds:
a shared engine keeps whatever its owner set up.
"""

import copy
import threading

from oslo_utils import strutils
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy import pool as sa_pool
from taskflow import exceptions as exc
from taskflow.persistence import base

from async_api.persistence import connection as p_connection
from async_api.persistence import progress

PREFIX = 'asyncapi-sql+'
_SQLITE_MEMORY = (None, '', ':memory:')
_OPTIONS = ('sqlite_synchronous', 'sqlite_journal_mode',
            'sqlite_busy_timeout', 'pool_size', 'max_overflow',
            'pool_timeout', 'pool_recycle', 'echo')
_SYNCHRONOUS = ('OFF', 'NORMAL', 'FULL', 'EXTRA')
_JOURNAL_MODES = ('WAL', 'DELETE', 'TRUNCATE', 'PERSIST', 'MEMORY')


def _int(conf, key):
    value = conf.pop(key, None)
    return None if value is None else int(value)


def _choice(conf, key, default, choices):
    value = str(conf.pop(key, default)).upper()
    if value not in choices:
        raise ValueError('%s must be one of %s, not %r'
                         % (key, ', '.join(choices), value))
    return value


def _sqlite_pragmas(conf):
    return (
        'PRAGMA journal_mode=%s' % _choice(
            conf, 'sqlite_journal_mode', 'WAL', _JOURNAL_MODES),
        'PRAGMA synchronous=%s' % _choice(
            conf, 'sqlite_synchronous', 'NORMAL', _SYNCHRONOUS),
        'PRAGMA busy_timeout=%d' % (
            _int(conf, 'sqlite_busy_timeout') or 30000),
        # Cascading deletes are also done by hand; this keeps other
        # writers of these tables honest.
        'PRAGMA foreign_keys=ON',
    )


def create_engine(conf):
    """Build the engine described by a backend configuration dict.

    One engine, with its pool, serves every connection of the backend:
    connections are checked out per call and returned, never rebuilt.
    """
    conf = copy.deepcopy(conf)
    url = conf.pop('connection')
    if url.startswith(PREFIX):
        url = url[len(PREFIX):]
    url = sa.engine.make_url(url)
    # Options given in the query string are ours, not the DB-API driver's.
    for key in _OPTIONS:
        if key in url.query:
            conf.setdefault(key, url.query[key])
    url = url.difference_update_query(_OPTIONS)
    args = {'echo': strutils.bool_from_string(conf.pop('echo', False))}
    if url.get_backend_name() == 'sqlite':
        pragmas = _sqlite_pragmas(conf)
        if url.database in _SQLITE_MEMORY:
            # One in-memory database exists per DB-API connection.
            args['poolclass'] = sa_pool.StaticPool
            args['connect_args'] = {'check_same_thread': False}
    else:
        pragmas = ()
        for key in ('pool_size', 'max_overflow', 'pool_timeout'):
            value = _int(conf, key)
            if value is not None:
                args[key] = value
        # Servers drop idle connections; pre-ping finds them before use.
        args['pool_pre_ping'] = True
    recycle = _int(conf, 'pool_recycle')
    if recycle is not None:
        args['pool_recycle'] = recycle
    engine = sa.create_engine(url, **args)
    if pragmas:
        sa.event.listen(engine, 'connect',
                        lambda dbapi_conn, _rec: _execute(dbapi_conn,
                                                          pragmas))
    return engine


def _execute(dbapi_conn, statements):
    cursor = dbapi_conn.cursor()
    try:
        for statement in statements:
            cursor.execute(statement)
    finally:
        cursor.close()


class SQLBackend(base.Backend):
    """TaskFlow persistence on async_api's own tables.

    :param conf: configuration dict (see the module documentation).
    :param engine: an existing SQLAlchemy engine to share (for example
        the service's own database engine); it is not disposed on close.
    """

    def __init__(self, conf, engine=None):
        super().__init__(conf)
        if engine is not None:
            self._engine = engine
            self._owns_engine = False
        else:
            if not self._conf.get('connection'):
                raise ValueError("A 'connection' URL or an engine is "
                                 "required")
            self._engine = create_engine(self._conf)
            self._owns_engine = True
        self._validated = False
        self._upgrade_lock = threading.Lock()
        self._saved_atoms = progress.SavedAtoms()

    @property
    def engine(self):
        """The SQLAlchemy engine every connection of this backend uses."""
        return self._engine

    @property
    def saved_atoms(self):
        """What this process last wrote per atom (:mod:`.progress`)."""
        return self._saved_atoms

    @property
    def upgrade_lock(self):
        """Serializes schema creation within this process."""
        return self._upgrade_lock

    def get_connection(self):
        """A cheap handle on the shared engine.

        TaskFlow asks for a connection around every single save, so this
        must not connect, reflect or check versions: it only validates the
        engine the first time.
        """
        conn = p_connection.Connection(self)
        if not self._validated:
            conn.validate()
            self._validated = True
        return conn

    def close(self):
        """Dispose of the engine's pool, if this backend built it."""
        if self._owns_engine:
            try:
                self._engine.dispose()
            except sa_exc.SQLAlchemyError:
                exc.raise_with_cause(exc.StorageFailure,
                                     'Failed closing the engine')
        self._validated = False
