"""Open the configured TaskFlow jobboard.

It defaults to the SQL board on the service's own database, so the
embedded deployment needs no server. One board is kept per process for
posting; conductors open their own boards with :func:`open_board`.
Persistence backends are opened by :mod:`async_api.persistence.factory`.
"""

import importlib
import math
import threading

from oslo_utils import netutils
from taskflow.jobs import backends as board_backends

from async_api.common import extras
from async_api.conf import jobboard as jobboard_opts
from async_api.db import engine as db_engine
from async_api.persistence import factory as persistence_factory

_LOCK = threading.Lock()
_BOARD = None


def board_conf(conf):
    """TaskFlow jobboard configuration from ``[async_api_jobboard]``.

    Secrets (the password, a database URL) end up in this dict: never log
    it.
    """
    group = conf.async_api_jobboard
    options = {
        'board': group.backend,
        # Boards sharing one database or server are kept apart by this.
        'path': group.board_name,
        'claim_expiry': group.claim_expiry,
    }
    if group.backend == 'sqlalchemy':
        options['connection'] = (group.connection
                                 or db_engine.connection_url(conf))
        options['wait_interval'] = group.poll_interval
        return options
    build = _SERVER_BOARDS.get(group.backend)
    if build is not None:
        options.update(build(group))
    return options


def _hosts(group):
    """``[(host, port)]`` of ``[async_api_jobboard]hosts``, default ports
    filled.
    """
    default = group.port or jobboard_opts.DEFAULT_PORTS.get(group.backend)
    return [netutils.parse_host_port(h.strip(), default_port=default)
            for h in group.hosts if h.strip()]


def _redis_conf(group):
    hosts = _hosts(group)
    host, port = hosts[0]
    options = {
        'host': host,
        'port': port,
        'namespace': group.board_name,
        'db': group.redis_db,
        'socket_connect_timeout': group.connect_timeout,
        'socket_timeout': group.operation_timeout,
        # Dead connections in the pool are noticed before they are used.
        'health_check_interval': 30,
        'retry_attempts': group.retry_attempts,
        'retry_delay': group.retry_delay,
    }
    if group.username:
        options['username'] = group.username
    if group.password:
        options['password'] = group.password
    if group.redis_sentinel:
        options['sentinel'] = group.redis_sentinel
        options['sentinel_fallbacks'] = ['%s:%s' % h for h in hosts[1:]]
    if group.ssl:
        options['ssl'] = True
        for key, value in (('ssl_ca_certs', group.ssl_ca_file),
                           ('ssl_certfile', group.ssl_cert_file),
                           ('ssl_keyfile', group.ssl_key_file)):
            if value:
                options[key] = value
    return options


def _etcd_conf(group):
    host, port = _hosts(group)[0]
    options = {
        'host': host,
        'port': port,
        'protocol': 'https' if group.ssl else 'http',
        'api_path': group.etcd_api_path,
        'timeout': group.operation_timeout,
        # Leases are whole seconds; rounding down could make them 0.
        'ttl': int(math.ceil(group.claim_expiry)),
        'wait_interval': group.poll_interval,
    }
    for key, value in (('ca_cert', group.ssl_ca_file),
                       ('cert_cert', group.ssl_cert_file),
                       ('cert_key', group.ssl_key_file)):
        if group.ssl and value:
            options[key] = value
    return options


def _zookeeper_conf(group):
    options = {
        # ZooKeeper paths are absolute; one board per name under /taskflow.
        'path': '/taskflow/jobs/%s' % group.board_name.strip('/'),
        'hosts': ','.join('%s:%s' % h for h in _hosts(group)),
        # The claim is an ephemeral node: it lasts as long as the session,
        # which ZooKeeper ends this long after the owner stops answering.
        'timeout': group.claim_expiry,
        'connection_retry': {'max_tries': -1, 'delay': group.retry_delay,
                             'max_delay': 5.0},
        'command_retry': {'max_tries': group.retry_attempts,
                          'delay': group.retry_delay, 'max_delay': 5.0},
    }
    if group.ssl:
        options['use_ssl'] = True
        for key, value in (('ca', group.ssl_ca_file),
                           ('certfile', group.ssl_cert_file),
                           ('keyfile', group.ssl_key_file)):
            if value:
                options[key] = value
    return options


_SERVER_BOARDS = {
    'redis': _redis_conf,
    'etcd': _etcd_conf,
    'zookeeper': _zookeeper_conf,
}

#: Our fixes of TaskFlow's boards (see their modules).
#: Imported only when chosen: their modules import the server's client.
_BOARD_CLASSES = {
    'redis': ('async_api.jobboard.redis_board', 'RedisBoard'),
    'etcd': ('async_api.jobboard.etcd_board', 'EtcdBoard'),
}

#: The client each server board needs, and the extra that installs it.
CLIENTS = {
    'redis': ('redis', 'redis'),
    'etcd': ('etcd3gw', 'etcd'),
    'zookeeper': ('kazoo', 'zookeeper'),
}


def check(conf):
    """Raise MissingExtra unless the configured board's client is there.

    Cheap (imports only): commands call it at start-up, before anything
    is opened, so that a missing extra is reported at once.
    """
    backend = conf.async_api_jobboard.backend
    if backend in CLIENTS:
        module, extra = CLIENTS[backend]
        extras.require(module, 'The %s jobboard' % backend, extra)
    elif backend == 'sqlalchemy':
        extras.require_driver(board_conf(conf)['connection'],
                              'The sqlalchemy jobboard\'s database')


def board_class(backend):
    """Our class for TaskFlow's ``backend`` board, or None for TaskFlow's."""
    where = _BOARD_CLASSES.get(backend)
    if where is None:
        return None
    module, name = where
    return getattr(importlib.import_module(module), name)


def open_board(conf, persistence, name=None, renewed_elsewhere=False):
    """A new, connected jobboard; the caller closes it.

    :param renewed_elsewhere: the caller renews its claims itself (a
        conductor service's claim keeper): the SQL board then does not
        renew them a second time from a thread of its own.
    """
    check(conf)
    options = board_conf(conf)
    if renewed_elsewhere and options['board'] == 'sqlalchemy':
        options['auto_renew'] = False
    kwargs = {}
    # On the service's own database, the SQL board shares its engine and
    # pool instead of opening a second pool on the same database.
    if (conf.async_api_jobboard.backend == 'sqlalchemy'
            and options['connection'] == db_engine.connection_url(conf)):
        kwargs['database'] = db_engine.from_conf(conf)
    name = name or conf.async_api_jobboard.board_name
    cls = board_class(conf.async_api_jobboard.backend)
    if cls is not None:
        board = cls(name, options, persistence=persistence)
    else:
        board = board_backends.fetch(name, options, persistence=persistence,
                                     **kwargs)
    board.connect()
    return board


def board(conf):
    """The process-wide jobboard the accept path posts to."""
    global _BOARD
    backend = persistence_factory.persistence(conf)
    with _LOCK:
        if _BOARD is None:
            _BOARD = open_board(conf, backend)
        return _BOARD


def reset():
    """Close and forget the process-wide board (tests, shutdown).

    Before :func:`async_api.persistence.factory.reset`: the board holds
    the persistence backend.
    """
    global _BOARD
    with _LOCK:
        if _BOARD is not None:
            _BOARD.close()
        _BOARD = None
