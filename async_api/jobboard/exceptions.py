"""Exceptions of the SQL jobboard beyond TaskFlow's own."""

import contextlib

from oslo_db import exception as db_exc
import sqlalchemy as sa
from taskflow import exceptions as excp


class StaleClaim(excp.JobFailure):
    """A board write was refused: the caller's claim of the job is lost.

    Raised by consume, abandon, trash and extend_expiry when the job was
    claimed again since the caller's claim (its fencing epoch moved on) or
    is held by someone else. It is a :class:`taskflow.exceptions.JobFailure`,
    which is what TaskFlow's conductors and other boards raise for "not
    owned by you".

    This is the jobboard's claim of a *job*; a refused write to the task
    table under a stale task epoch is
    :class:`async_api.db.tasks.FencedOff`.
    """

    def __init__(self, message, held_epoch=None, current_epoch=None,
                 current_owner=None):
        super().__init__(message)
        self.held_epoch = held_epoch
        self.current_epoch = current_epoch
        self.current_owner = current_owner


@contextlib.contextmanager
def translate_failures(what):
    """Database errors become JobFailure, as TaskFlow's boards raise."""
    try:
        yield
    except (db_exc.DBError, sa.exc.SQLAlchemyError) as e:
        excp.raise_with_cause(excp.JobFailure,
                              'Jobboard database failure while %s: %s'
                              % (what, e))
