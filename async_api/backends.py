"""Open the configured TaskFlow persistence backend and jobboard.

Both default to the service's own database, so the embedded deployment
needs no server. One of each is kept per process for posting; conductors
open their own boards with :func:`open_board`.
"""

import threading

from stevedore import driver
from taskflow.jobs import backends as board_backends

from async_api.db import engine as db_engine

_LOCK = threading.Lock()
_PERSISTENCE = None
_BOARD = None


def persistence_conf(conf):
    """TaskFlow persistence configuration from ``[persistence]``."""
    return {'connection': (conf.persistence.connection
                           or conf.database.connection)}


def board_conf(conf):
    """TaskFlow jobboard configuration from ``[jobboard]``."""
    return {
        'board': conf.jobboard.backend,
        'connection': conf.jobboard.connection or conf.database.connection,
        # Boards sharing one database or server are kept apart by this.
        'path': conf.jobboard.board_name,
        'claim_expiry': conf.jobboard.claim_expiry,
        'wait_interval': conf.jobboard.poll_interval,
    }


def _shared_database(conf, connection, backend, own_backend):
    # On the service's own database, our backends share its engine and
    # pool instead of opening a second pool on the same database.
    if backend == own_backend and connection == conf.database.connection:
        return db_engine.from_conf(conf)
    return None


def open_persistence(conf):
    """A new persistence backend of ``[persistence]backend``."""
    options = persistence_conf(conf)
    kwargs = {}
    shared = _shared_database(conf, options['connection'],
                              conf.persistence.backend, 'asyncapi-sql')
    if shared is not None:
        kwargs['engine'] = shared.engine
    manager = driver.DriverManager(
        'taskflow.persistence', conf.persistence.backend,
        invoke_on_load=True, invoke_args=(options,), invoke_kwds=kwargs)
    return manager.driver


def open_board(conf, persistence, name=None):
    """A new, connected jobboard; the caller closes it."""
    options = board_conf(conf)
    kwargs = {}
    shared = _shared_database(conf, options['connection'],
                              conf.jobboard.backend, 'sqlalchemy')
    if shared is not None:
        kwargs['database'] = shared
    board = board_backends.fetch(name or conf.jobboard.board_name,
                                 options, persistence=persistence, **kwargs)
    board.connect()
    return board


def persistence(conf):
    """The process-wide persistence backend."""
    global _PERSISTENCE
    with _LOCK:
        if _PERSISTENCE is None:
            _PERSISTENCE = open_persistence(conf)
        return _PERSISTENCE


def board(conf):
    """The process-wide jobboard the accept path posts to."""
    global _BOARD
    backend = persistence(conf)
    with _LOCK:
        if _BOARD is None:
            _BOARD = open_board(conf, backend)
        return _BOARD


def reset():
    """Close and forget the process-wide backends (tests, shutdown)."""
    global _PERSISTENCE, _BOARD
    with _LOCK:
        if _BOARD is not None:
            _BOARD.close()
        if _PERSISTENCE is not None:
            _PERSISTENCE.close()
        _PERSISTENCE = _BOARD = None
