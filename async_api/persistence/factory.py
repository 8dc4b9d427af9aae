"""Open the configured TaskFlow persistence backend.

It defaults to async_api's own SQL backend on the service's database, so
the embedded deployment needs no server. One backend is kept per process
for posting; conductors open their own with :func:`open_persistence`.
"""

import threading

from stevedore import driver

from async_api.common import extras
from async_api.db import engine as db_engine

_LOCK = threading.Lock()
_PERSISTENCE = None


def persistence_conf(conf):
    """TaskFlow persistence configuration from ``[async_api_persistence]``.

    On the service's own database the backend shares the service's engine,
    pooled by oslo.db from ``[database]``. On another database it builds
    its own engine, with the same pool settings.
    """
    options = {'connection': (conf.async_api_persistence.connection
                              or db_engine.connection_url(conf))}
    if conf.async_api_persistence.backend == 'asyncapi-sql':
        options.update(db_engine.pool_options(conf))
    return options


#: Entry points of ``taskflow.persistence`` whose connection is a
#: database URL.
_SQL_BACKENDS = ('asyncapi-sql', 'sqlalchemy', 'postgresql', 'mysql',
                 'sqlite')


def check(conf):
    """Raise MissingExtra unless the backend's client or driver is there.

    Cheap (imports only): commands call it at start-up, before anything
    is opened, so that a missing extra is reported at once.
    """
    backend = conf.async_api_persistence.backend
    if backend in _SQL_BACKENDS:
        extras.require_driver(persistence_conf(conf)['connection'],
                              'The persistence database')
    elif backend == 'zookeeper':
        extras.require('kazoo', 'The zookeeper persistence backend',
                       'zookeeper')


def open_persistence(conf):
    """A new persistence backend of ``[async_api_persistence]backend``."""
    check(conf)
    options = persistence_conf(conf)
    kwargs = {}
    # On the service's own database, our backend shares its engine and
    # pool instead of opening a second pool on the same database.
    if (conf.async_api_persistence.backend == 'asyncapi-sql'
            and options['connection'] == db_engine.connection_url(conf)):
        kwargs['engine'] = db_engine.from_conf(conf).engine
    manager = driver.DriverManager(
        'taskflow.persistence', conf.async_api_persistence.backend,
        invoke_on_load=True, invoke_args=(options,), invoke_kwds=kwargs)
    return manager.driver


def persistence(conf):
    """The process-wide persistence backend."""
    global _PERSISTENCE
    with _LOCK:
        if _PERSISTENCE is None:
            _PERSISTENCE = open_persistence(conf)
        return _PERSISTENCE


def reset():
    """Close and forget the process-wide backend (tests, shutdown)."""
    global _PERSISTENCE
    with _LOCK:
        if _PERSISTENCE is not None:
            _PERSISTENCE.close()
        _PERSISTENCE = None
