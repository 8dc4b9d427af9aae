"""The task rows of cancel requests.

A cancel ends a task that no conductor has taken up at once, in one
conditional UPDATE that the conductor's claim (:func:`async_api.db.tasks.
claim_task`) decides against on the same row; for a task under way it
records the request (``cancel_requested``), which the run learns of at its
next step (:mod:`async_api.tasks.boundary`). Every request is a step
event named :data:`CANCEL_EVENT`, with who asked.
"""

from oslo_utils import timeutils
import sqlalchemy as sa

from async_api.common import states
from async_api.db import engine
from async_api.db import lanes
from async_api.db import models
from async_api.db import outbox

_T = models.Task.__table__
_E = models.TaskEvent.__table__

#: The step-event name of a cancel request.
CANCEL_EVENT = 'cancel'

#: States from which a cancel ends a task at once: nothing has run.
WAITING = (states.QUEUED, states.PENDING)


def _add_event(session, uuid, event):
    session.add(models.TaskEvent(task_uuid=uuid, time=timeutils.utcnow(),
                                 **event))


def cancel_waiting(uuid, values, event):
    """End a task that no conductor has taken up, with its cancel event.

    One conditional UPDATE: from ``queued`` or ``pending``, and only while
    the task's claim epoch is still 0 (no conductor ever took it up, see
    :func:`async_api.db.tasks.claim_task`, which the same row decides
    against). Its lanes are
    given up in the same transaction, as for any finished task.

    :param values: the terminal columns (``state``, ``finished_at``,
        ``error``).
    :returns: the task (with ``released_lanes``), or None when the task
        was not waiting any more (taken up, finished or not there).
    """
    values = dict(values, updated_at=timeutils.utcnow())
    with engine.current().writer.using() as session:
        if not session.query(models.Task).filter(
                models.Task.uuid == uuid,
                models.Task.state.in_(WAITING),
                models.Task.claim_epoch == 0).update(
                values, synchronize_session=False):
            return None
        _add_event(session, uuid, event)
        released = lanes.release(session, uuid)
        outbox.record_terminal(session, uuid, values)
        task = session.query(models.Task).filter(
            models.Task.uuid == uuid).one()
        session.expunge(task)
    task.released_lanes = released
    return task


def request_cancel(uuid, event):
    """Ask the run of an unfinished task to stop, once.

    Sets ``cancel_requested`` (one conditional UPDATE, from no request
    yet) and records the cancel event in the same transaction.

    :returns: True if this call made the request; False if it was made
        before or the task is finished.
    """
    now = timeutils.utcnow()
    with engine.current().writer.using() as session:
        if not session.query(models.Task).filter(
                models.Task.uuid == uuid,
                models.Task.state.in_(sorted(states.ACTIVE)),
                models.Task.cancel_requested == sa.false()).update(
                {'cancel_requested': True, 'updated_at': now},
                synchronize_session=False):
            return False
        _add_event(session, uuid, event)
    return True


def cancel_requested_among(uuids):
    """Which of ``uuids`` (tasks) have a cancel request; one read."""
    uuids = list(uuids)
    if not uuids:
        return []
    with engine.current().reader.using() as session:
        return list(session.execute(sa.select(_T.c.uuid).where(
            _T.c.uuid.in_(uuids), _T.c.cancel_requested == sa.true()))
            .scalars())


def cancel_details(uuid):
    """The ``details`` of the task's latest cancel event, or None."""
    with engine.current().reader.using() as session:
        return session.execute(sa.select(_E.c.details).where(
            _E.c.task_uuid == uuid, _E.c.event == CANCEL_EVENT).order_by(
            _E.c.id.desc()).limit(1)).scalar()
