"""Data access for lanes: the per-resource order of tasks.

A task holds one place (a ``task_lanes`` row) in the lane of each resource
it works on, from acceptance until the transaction that finishes it. Its
place is its ``tasks.id``: ids grow with acceptance, so they are one total
order over all lanes, and a task that works on several resources can never
wait on a task that waits on it.

A task is the *head* of its lanes when none of them holds a place with a
smaller id. Only heads are promoted from ``queued`` to ``pending`` (and
posted). Every check is inside the statement that acts on it, so the
database decides, whatever the number of API workers and conductors:

* :func:`accept` first updates each lane's ``resource_lanes`` row, in
  resource order; the row locks keep the ids of one lane in commit order
  (PostgreSQL hands out ids before commit), and keep the queue count true.
* :func:`promote` is one conditional ``UPDATE ... WHERE state = 'queued'
  AND NOT EXISTS (an earlier place in one of its lanes)``: two promoters
  race for one row, one wins.
* Places are only ever taken away concurrently (by finishing tasks), never
  added before an existing one. Whoever finishes a task looks for the next
  heads *after* committing, so of two tasks finishing side by side the one
  that looks last sees both gone.
"""

from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from async_api.common import exception
from async_api.db import engine
from async_api.db import models
from async_api.tasks import states

_T = models.Task.__table__
_L = models.TaskLane.__table__
_R = models.ResourceLane.__table__


def _insert_ignore(dialect_name):
    if dialect_name == 'postgresql':
        return postgresql.insert(_R).on_conflict_do_nothing()
    if dialect_name == 'sqlite':
        return sqlite.insert(_R).on_conflict_do_nothing()
    return sa.insert(_R).prefix_with('IGNORE')


def _lock(session, resource_uuid):
    """Lock one lane until commit (creating its row the first time)."""
    values = {'resource_uuid': resource_uuid, 'accepted': 0}
    # The UPDATE first: on SQLite it takes the write lock at once (a read
    # first could not be upgraded while another process writes).
    locked = session.execute(sa.update(_R).where(
        _R.c.resource_uuid == resource_uuid).values(
        accepted=_R.c.accepted + 1, updated_at=timeutils.utcnow())).rowcount
    if not locked:
        dialect = session.get_bind().dialect.name
        session.execute(_insert_ignore(dialect).values(**values))
        session.execute(sa.update(_R).where(
            _R.c.resource_uuid == resource_uuid).values(
            accepted=_R.c.accepted + 1, updated_at=timeutils.utcnow()))


def _earlier_place(task_id):
    """Some lane of task ``task_id`` holds a place before it."""
    mine = _L.alias('mine')
    other = _L.alias('other')
    return sa.exists().where(
        mine.c.task_id == task_id,
        other.c.resource_uuid == mine.c.resource_uuid,
        other.c.task_id < mine.c.task_id)


def lane_resources(resource_uuid, resources=()):
    """The task's resources, its own first, without repeats."""
    ordered = [resource_uuid]
    for uuid in resources or ():
        if uuid not in ordered:
            ordered.append(uuid)
    return ordered


def accept(values, resources, limit=0):
    """Insert a task with its places in the lanes of ``resources``.

    The task is ``pending`` (with ``posted_at`` set: its poster is on the
    way) when it is the head of every lane, else ``queued``.

    :param values: the task's columns; ``state`` is decided here.
    :param resources: every resource the task works on.
    :param limit: the most unfinished tasks per lane (0: no limit).
    :raises ResourceQueueFull: a lane is full; nothing is stored.
    """
    values = dict(values)
    values.setdefault('uuid', uuidutils.generate_uuid())
    with engine.current().writer.using() as session:
        # In one order for everyone: two submitters never wait on each
        # other's locks in a cycle.
        for uuid in sorted(resources):
            _lock(session, uuid)
        if limit:
            counts = dict(session.execute(
                sa.select(_L.c.resource_uuid, sa.func.count())
                .where(_L.c.resource_uuid.in_(list(resources)))
                .group_by(_L.c.resource_uuid)).all())
            for uuid in resources:
                if counts.get(uuid, 0) >= limit:
                    raise exception.ResourceQueueFull(
                        'Resource %s already has %d unfinished tasks, the '
                        'most it may queue' % (uuid, counts[uuid]))
        values['state'] = states.QUEUED
        task = models.Task(**values)
        session.add(task)
        session.flush()
        session.execute(sa.insert(_L), [
            {'task_id': task.id, 'resource_uuid': uuid}
            for uuid in resources])
        # With every lane locked no earlier place can appear: what is
        # seen here is the truth, and a head goes out pending at once.
        if not session.execute(sa.select(_earlier_place(task.id))).scalar():
            now = timeutils.utcnow()
            session.execute(sa.update(_T).where(_T.c.id == task.id).values(
                state=states.PENDING, posted_at=now))
            task.state = states.PENDING
            task.posted_at = now
        session.expunge(task)
    return task


def promote(task_id):
    """Move a queued task that heads all its lanes to pending.

    :returns: True if this call promoted it (the caller posts it).
    """
    with engine.current().writer.using() as session:
        return bool(session.execute(sa.update(_T).where(
            _T.c.id == task_id, _T.c.state == states.QUEUED,
            ~_earlier_place(task_id)).values(
            state=states.PENDING, posted_at=timeutils.utcnow(),
            updated_at=timeutils.utcnow())).rowcount)


def is_head(task_id):
    """Whether no lane of the task holds a place before it (a read)."""
    with engine.current().reader.using() as session:
        return not session.execute(
            sa.select(_earlier_place(task_id))).scalar()


def release(session, task_id):
    """Give up a task's places; returns the resources of those lanes.

    Called inside the transaction that finishes the task.
    """
    resources = list(session.execute(sa.select(_L.c.resource_uuid).where(
        _L.c.task_id == task_id)).scalars())
    if resources:
        session.execute(sa.delete(_L).where(_L.c.task_id == task_id))
    return resources


def heads(resources):
    """Ids of the queued tasks first in line in each of ``resources``.

    A read, done after the finishing commit; :func:`promote` re-checks.
    """
    if not resources:
        return []
    first = sa.select(sa.func.min(_L.c.task_id)).where(
        _L.c.resource_uuid.in_(list(resources))).group_by(
        _L.c.resource_uuid).subquery()
    with engine.current().reader.using() as session:
        return list(session.execute(
            sa.select(_T.c.id).where(
                _T.c.id.in_(sa.select(first)),
                _T.c.state == states.QUEUED).order_by(_T.c.id)).scalars())


def unpromoted_heads(limit=100):
    """Queued tasks that head every lane they are in, oldest first.

    Normally promoted by whoever finished the task before them; these were
    missed (that process died between its commit and the promotion).
    """
    with engine.current().reader.using() as session:
        return list(session.execute(
            sa.select(_T.c.id).where(
                _T.c.state == states.QUEUED,
                ~_earlier_place(_T.c.id)).order_by(_T.c.id).limit(limit))
            .scalars())


def count(resource_uuid):
    """How many unfinished tasks hold a place in a resource's lane."""
    with engine.current().reader.using() as session:
        return session.execute(sa.select(sa.func.count()).where(
            _L.c.resource_uuid == resource_uuid)).scalar()
