"""Which errors are outages of a backend, not faults of the work.

An outage is the database, the jobboard or the persistence backend being
unreachable or refusing writes for a while: the work that met it did not
happen and must be tried again once the backend is back, rather than be
reported as failed. The API answers it with a 503 and ``Retry-After``;
a conductor suspends the flow and leaves its job to be claimed again.
"""

from oslo_db import exception as db_exc
from sqlalchemy import exc as sa_exc
from taskflow import exceptions as tf_exc

from async_api.common import exception

# oslo.db's name for a lost or refused connection, and TaskFlow's for a
# board or persistence backend it cannot reach.
_OUTAGES = (db_exc.DBConnectionError, tf_exc.JobFailure,
            tf_exc.StorageFailure, exception.ServiceUnavailable)

# SQLite reports an unwritable, unreadable or locked file as an
# OperationalError, like a bad statement ("no such table"); these are
# the ones the file system or another process cause. oslo.db turns
# "unable to open database file" into DBNonExistentDatabase.
SQLITE_OUTAGE_MESSAGES = (
    'attempt to write a readonly database',
    'disk i/o error',
    'unable to open database file',
    'database or disk is full',
    'database is locked',
    'database table is locked',
)


def _sqlite_outage(error):
    orig = getattr(error, 'orig', None)
    module = type(orig).__module__ if orig is not None else ''
    if not module.startswith('sqlite3'):
        return None
    message = str(orig).lower()
    return any(text in message for text in SQLITE_OUTAGE_MESSAGES)


def _causes(error):
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = (getattr(error, 'inner_exception', None)
                 or getattr(error, 'cause', None) or error.__cause__)


def is_outage(error):
    """Whether ``error`` (or what caused it) is a backend outage.

    Besides the exceptions oslo.db and TaskFlow raise for outages, a
    driver's OperationalError is one on PostgreSQL and MySQL (errors the
    server or the network cause: connection, resources, shutdown; libpq
    14's "connection to server at ... failed" stays a plain DBError in
    oslo.db), and on SQLite only for the messages above.
    """
    for cause in _causes(error):
        if isinstance(cause, _OUTAGES):
            return True
        if isinstance(cause, sa_exc.DBAPIError):
            if cause.connection_invalidated:
                return True
            sqlite = _sqlite_outage(cause)
            if sqlite is not None:
                return sqlite
            if isinstance(cause, sa_exc.OperationalError):
                return True
    return False


def sqlite_disconnect(error):
    """Whether a SQLite ``error`` should retire its pooled connection.

    After an I/O error or a read-only file a connection may keep a stale
    view of the write-ahead log; a fresh one costs a file open.
    """
    orig = getattr(error, 'orig', error)
    message = str(orig).lower()
    return any(text in message for text in SQLITE_OUTAGE_MESSAGES[:4])
