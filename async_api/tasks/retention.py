"""Retention: delete finished tasks with their events and flow logbooks.

A task is purged once it is finished (a terminal state) and its
``finished_at`` is older than the cutoff. With it go its step events, its
places in lanes (a finished task has none left; deleted all the same)
and its TaskFlow logbook with the logbook's flows and atoms, whose UUID
derives from the task's (:func:`async_api.tasks.posting.book_uuid`).

Tasks go in batches, oldest first, each batch its own short transaction:
rows are locked only while their batch is deleted, and a purge
interrupted halfway has deleted whole tasks only. The batch's rows are
selected again under the terminal-state condition inside its
transaction, so a task is never deleted unfinished.
"""

import datetime

from oslo_log import log
from oslo_utils import timeutils
import sqlalchemy as sa

from async_api.common import states
from async_api.db import engine
from async_api.db import models
from async_api.persistence import models as flow_models
from async_api.tasks import posting

LOG = log.getLogger(__name__)

_T = models.Task.__table__
_E = models.TaskEvent.__table__
_L = models.TaskLane.__table__
_BOOKS = flow_models.FlowLogbook.__table__
_FLOWS = flow_models.FlowDetail.__table__
_ATOMS = flow_models.FlowAtomDetail.__table__

_TERMINAL = sorted(states.TERMINAL)


def cutoff(older_than):
    """The time before which finished tasks go.

    :param older_than: a ``datetime.timedelta``, or a number of days.
    """
    if not isinstance(older_than, datetime.timedelta):
        older_than = datetime.timedelta(days=float(older_than))
    if older_than < datetime.timedelta(0):
        raise ValueError('older_than must not be negative, not %s'
                         % older_than)
    return timeutils.utcnow() - older_than


def _finished_before(before):
    return sa.and_(_T.c.state.in_(_TERMINAL), _T.c.finished_at < before)


def _select(conn, before, size):
    """``(id, uuid)`` of the oldest ``size`` tasks to purge."""
    return conn.execute(
        sa.select(_T.c.id, _T.c.uuid).where(_finished_before(before))
        .order_by(_T.c.id).limit(size)).all()


def _batch(conn, before, size):
    """Delete one batch; returns how many tasks it deleted."""
    rows = _select(conn, before, size)
    if not rows:
        return 0
    ids = [row.id for row in rows]
    uuids = [row.uuid for row in rows]
    books = [posting.book_uuid(uuid) for uuid in uuids]
    flows = sa.select(_FLOWS.c.uuid).where(_FLOWS.c.parent_uuid.in_(books))
    conn.execute(sa.delete(_ATOMS).where(_ATOMS.c.parent_uuid.in_(flows)))
    conn.execute(sa.delete(_FLOWS).where(_FLOWS.c.parent_uuid.in_(books)))
    conn.execute(sa.delete(_BOOKS).where(_BOOKS.c.uuid.in_(books)))
    conn.execute(sa.delete(_E).where(_E.c.task_uuid.in_(uuids)))
    conn.execute(sa.delete(_L).where(_L.c.task_id.in_(ids)))
    # The condition again: whatever changed since the select, only a
    # finished task goes.
    return conn.execute(sa.delete(_T).where(
        _T.c.id.in_(ids), _finished_before(before))).rowcount


def purge_tasks(older_than, batch_size=500, limit=None):
    """Delete finished tasks older than ``older_than``; returns how many.

    :param older_than: how long a task is kept after it finished: a
        ``datetime.timedelta`` or a number of days.
    :param batch_size: tasks per transaction.
    :param limit: the most tasks to delete in this call (None: all).

    Only tasks in a terminal state (succeeded, failed, cancelled, error)
    whose ``finished_at`` is before the cutoff are deleted, with their
    step events and flow logbooks. Safe to run while the service runs,
    from several processes at once.
    """
    if batch_size < 1:
        raise ValueError('batch_size must be at least 1, not %s'
                         % batch_size)
    before = cutoff(older_than)
    bind = engine.current().engine
    purged = 0
    while limit is None or purged < limit:
        size = batch_size if limit is None else min(batch_size,
                                                    limit - purged)
        with bind.begin() as conn:
            deleted = _batch(conn, before, size)
        purged += deleted
        if deleted < size:
            # Fewer than asked: nothing older is left (or a concurrent
            # purge took part of this batch; the next call goes on).
            break
    if purged:
        LOG.info('Purged %d task(s) finished before %s', purged, before)
    return purged
