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
* :func:`release` takes the same lane row locks as :func:`accept` (in the
  same order), so a task being accepted and the task before it finishing
  are ordered by the database: either the release commits first and
  :func:`accept` sees the lane free (the task goes out pending at once),
  or the accept commits first and the finisher's :func:`heads`, which
  runs after the release commits, finds the new task. Without the lock,
  on a database that runs the two transactions side by side (PostgreSQL,
  MySQL), the accept saw the old place and the finisher's look missed the
  uncommitted task, and only the submitter's re-read after its commit
  stood between the new task and the reconciler: a re-read that, when it
  failed (a busy or flaky database), left the task queued at the head of
  its lane until the next reconciler pass. SQLite runs one write
  transaction at a time and needs no lock.
"""

import functools

from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from async_api.common import exception
from async_api.db import direct
from async_api.db import engine
from async_api.db import models
from async_api.db import outbox
from async_api.common import states

_T = models.Task.__table__
_L = models.TaskLane.__table__
_R = models.ResourceLane.__table__
_B = sa.bindparam

# The statements of the accept and finish paths are built once, with bind
# parameters, and compiled once per database (async_api.db.direct):
# building and compiling them per call cost more than running them.
_BUMP = direct.Statement(sa.update(_R).where(
    _R.c.resource_uuid == _B('b_resource')).values(
    accepted=_R.c.accepted + 1, updated_at=_B('b_now')))
_NEW_LANE = ('resource_uuid', 'accepted')
_INSERT_PLACE = direct.Statement(sa.insert(_L), ('task_id', 'resource_uuid'))
# A task's places, found by its uuid: the finishing write has no id.
_PLACES_OF_TASK = (_L.c.task_id == sa.select(_T.c.id).where(
    _T.c.uuid == _B('b_uuid')).scalar_subquery())
_PLACES_OF = direct.Statement(sa.select(_L.c.resource_uuid).where(
    _PLACES_OF_TASK))
_RELEASE = direct.Statement(sa.delete(_L).where(_PLACES_OF_TASK))
# Locks a lane's row (as _BUMP does) without counting an acceptance.
_TOUCH = direct.Statement(sa.update(_R).where(
    _R.c.resource_uuid == _B('b_resource')).values(
    updated_at=_B('b_now')))
# Where the database returns what it deletes, one statement does both.
_RELEASE_RETURNING = direct.Statement(sa.delete(_L).where(
    _PLACES_OF_TASK).returning(_L.c.resource_uuid))

# The statements that depend on the database or on a count are built on
# first use, once per value (functools.cache).


@functools.cache
def _insert_ignore(dialect_name):
    if dialect_name == 'postgresql':
        stmt = postgresql.insert(_R).on_conflict_do_nothing()
    elif dialect_name == 'sqlite':
        stmt = sqlite.insert(_R).on_conflict_do_nothing()
    else:
        stmt = sa.insert(_R).prefix_with('IGNORE')
    return direct.Statement(stmt, _NEW_LANE)


@functools.cache
def _insert_task_statement(returning, columns):
    stmt = sa.insert(_T)
    if returning:
        stmt = stmt.returning(_T.c.id)
    return direct.Statement(stmt, columns)


def _insert_task(conn, row):
    """Insert a full task row; returns its id."""
    returning = bool(conn.dialect.insert_returning)
    result = _insert_task_statement(returning, tuple(sorted(row))).execute(
        conn, row)
    return result.scalar() if returning else result.lastrowid


@functools.cache
def _upsert(dialect_name):
    """The one statement that creates or bumps a lane's row, where the
    database has one that locks the row as an UPDATE does (None else)."""
    if dialect_name == 'postgresql':
        insert = postgresql.insert
    elif dialect_name == 'sqlite':
        insert = sqlite.insert
    else:
        # MySQL's ON DUPLICATE KEY UPDATE takes gap locks that concurrent
        # first inserts may deadlock on: the UPDATE first there.
        return None
    stmt = insert(_R).values(resource_uuid=_B('b_resource'), accepted=1,
                             updated_at=_B('b_now'))
    return direct.Statement(stmt.on_conflict_do_update(
        index_elements=[_R.c.resource_uuid],
        set_={'accepted': _R.c.accepted + 1,
              'updated_at': stmt.excluded.updated_at}))


def _lock(conn, resource_uuid):
    """Lock one lane until commit (creating its row the first time)."""
    params = {'b_resource': resource_uuid, 'b_now': timeutils.utcnow()}
    # A write first: on SQLite it takes the write lock at once (a read
    # first could not be upgraded while another process writes). One
    # statement where there is an upsert: a resource's first task (a
    # node's first action after enrolment) made three.
    upsert = _upsert(conn.dialect.name)
    if upsert is not None:
        upsert.execute(conn, params)
        return
    if not _BUMP.execute(conn, params).rowcount:
        _insert_ignore(conn.dialect.name).execute(
            conn, {'resource_uuid': resource_uuid, 'accepted': 0})
        _BUMP.execute(conn, params)


def _earlier_place(task_id):
    """Some lane of task ``task_id`` holds a place before it."""
    mine = _L.alias('mine')
    other = _L.alias('other')
    return sa.exists().where(
        mine.c.task_id == task_id,
        other.c.resource_uuid == mine.c.resource_uuid,
        other.c.task_id < mine.c.task_id)


# A row (1) when the task is behind another in one of its lanes.
_IS_BEHIND = direct.Statement(sa.select(sa.literal_column('1')).where(
    _earlier_place(_B('b_task'))))
_PROMOTE = direct.Statement(sa.update(_T).where(
    _T.c.id == _B('b_task'), _T.c.state == states.QUEUED,
    ~_earlier_place(_B('b_task'))).values(
    state=states.PENDING, posted_at=_B('b_now'), updated_at=_B('b_now')))


@functools.cache
def _queue_lengths(count):
    return direct.Statement(
        sa.select(_L.c.resource_uuid, sa.func.count()).where(
            direct.in_(_L.c.resource_uuid, 'b_resource', count)).group_by(
            _L.c.resource_uuid))


@functools.cache
def _heads(count):
    first = sa.select(sa.func.min(_L.c.task_id)).where(
        direct.in_(_L.c.resource_uuid, 'b_resource', count)).group_by(
        _L.c.resource_uuid).subquery()
    return direct.Statement(sa.select(_T.c.id).where(
        _T.c.id.in_(sa.select(first)),
        _T.c.state == states.QUEUED).order_by(_T.c.id))


def _task_row(values):
    """Every column of a new task row: ``values`` plus column defaults.

    Given in full, the row needs nothing filled in at insert time, and the
    task returned is exactly what was stored.
    """
    row = direct.with_defaults(_T, values)
    row.pop('id', None)
    return row


def lane_resources(resource_uuid, resources=()):
    """The task's resources, its own first, without repeats."""
    ordered = [resource_uuid]
    for uuid in resources or ():
        if uuid not in ordered:
            ordered.append(uuid)
    return ordered


def accept(values, resources, limit=0, on_head=None, head_values=None):
    """Insert a task with its places in the lanes of ``resources``.

    The task is ``pending`` (with ``posted_at`` set: its poster is on the
    way) when it is the head of every lane, else ``queued``.

    :param values: the task's columns; ``state`` is decided here.
    :param resources: every resource the task works on.
    :param limit: the most unfinished tasks per lane (0: no limit).
    :param on_head: called as ``on_head(connection, task)`` inside the
        transaction when the task is pending (posting it there, see
        :class:`async_api.tasks.posting.WithinAccept`); what it raises
        stores nothing.
    :param head_values: more columns, stored only when the task is
        pending (the job it is about to be posted as, say).
    :raises ResourceQueueFull: a lane is full; nothing is stored.
    """
    row = _task_row(dict(values, state=states.QUEUED))
    row.setdefault('uuid', uuidutils.generate_uuid())
    with engine.current().engine.begin() as conn:
        # In one order for everyone: two submitters never wait on each
        # other's locks in a cycle.
        for uuid in sorted(resources):
            _lock(conn, uuid)
        # With every lane locked no place can be added to them: what is
        # counted here is the truth, and a task whose lanes are all empty
        # is their head, inserted pending at once (one statement, where
        # an insert, a look behind it and an update took three).
        counts = dict(_queue_lengths(len(resources)).execute(
            conn, direct.in_params('b_resource', resources)).all())
        for uuid in resources:
            if limit and counts.get(uuid, 0) >= limit:
                raise exception.ResourceQueueFull(
                    'Resource %s already has %d unfinished tasks, the '
                    'most it may queue' % (uuid, counts[uuid]))
        head = not any(counts.values())
        if head:
            now = timeutils.utcnow()
            row.update(head_values or {}, state=states.PENDING,
                       posted_at=now, updated_at=now)
        task_id = _insert_task(conn, row)
        _INSERT_PLACE.executemany(conn, [
            {'task_id': task_id, 'resource_uuid': uuid}
            for uuid in resources])
        outbox.record(conn, row['uuid'], [(outbox.ACCEPTED, None)])
        task = models.Task(id=task_id, **row)
        if head and on_head is not None:
            on_head(conn, task)
    return task


def promote(task_id):
    """Move a queued task that heads all its lanes to pending.

    :returns: True if this call promoted it (the caller posts it).
    """
    with engine.current().engine.begin() as conn:
        return bool(_PROMOTE.execute(conn, {
            'b_task': task_id, 'b_now': timeutils.utcnow()}).rowcount)


def is_head(task_id):
    """Whether no lane of the task holds a place before it (a read)."""
    with engine.current().engine.connect() as conn:
        return _IS_BEHIND.execute(conn, {'b_task': task_id}).first() is None


def release(conn, task_uuid):
    """Give up a task's places; returns the resources of those lanes.

    Called inside the transaction that finishes the task (``conn`` is a
    connection or a session).
    """
    params = {'b_uuid': task_uuid}
    dialect = direct.connection(conn).dialect
    if dialect.name != 'sqlite':
        # Ordered against accept() on the same lanes (see the module's
        # docstring); in the order accept() locks them.
        resources = sorted(row[0] for row in _PLACES_OF.execute(
            conn, params))
        now = timeutils.utcnow()
        for uuid in resources:
            _TOUCH.execute(conn, {'b_resource': uuid, 'b_now': now})
        if resources:
            _RELEASE.execute(conn, params)
        return resources
    if dialect.delete_returning:
        return [row[0] for row in _RELEASE_RETURNING.execute(conn, params)]
    resources = [row[0] for row in _PLACES_OF.execute(conn, params)]
    if resources:
        _RELEASE.execute(conn, params)
    return resources


def heads(resources):
    """Ids of the queued tasks first in line in each of ``resources``.

    A read, done after the finishing commit; :func:`promote` re-checks.
    """
    if not resources:
        return []
    resources = list(resources)
    with engine.current().engine.connect() as conn:
        return [row[0] for row in _heads(len(resources)).execute(
            conn, direct.in_params('b_resource', resources))]


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


def active_exists(resource_uuid):
    """SQL: an unfinished task works on ``resource_uuid``.

    ``resource_uuid`` is a value or a column of the caller's own table
    (``nodes.c.uuid``, say), so that a service's statement can skip or
    refuse resources that are busy in the same statement. A task works on
    a resource when it is its own, or when it holds the resource's lane
    (a move onto it, say).
    """
    tasks = models.Task.__table__
    places = models.TaskLane.__table__
    in_lane = sa.select(places.c.task_id).where(
        places.c.resource_uuid == resource_uuid)
    return sa.exists().where(sa.and_(
        tasks.c.state.in_(sorted(states.ACTIVE)),
        sa.or_(tasks.c.resource_uuid == resource_uuid,
               tasks.c.id.in_(in_lane))))


def count_active(resource_uuid, session=None):
    """How many unfinished tasks work on ``resource_uuid``.

    :param session: a session of the caller's transaction, so that the
        count and what the caller does with it (refusing to delete the
        resource, say) are one transaction.
    """
    tasks = models.Task.__table__
    places = models.TaskLane.__table__
    in_lane = sa.select(places.c.task_id).where(
        places.c.resource_uuid == resource_uuid)
    stmt = sa.select(sa.func.count()).select_from(tasks).where(
        tasks.c.state.in_(sorted(states.ACTIVE)),
        sa.or_(tasks.c.resource_uuid == resource_uuid,
               tasks.c.id.in_(in_lane)))
    if session is not None:
        return session.execute(stmt).scalar()
    with engine.current().reader.using() as own:
        return own.execute(stmt).scalar()
