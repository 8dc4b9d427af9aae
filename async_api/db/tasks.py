"""Data access for tasks and their step events."""

import datetime
import functools
import typing

from oslo_db.sqlalchemy import utils as db_utils
from oslo_utils import timeutils
import sqlalchemy as sa

from async_api.common import exception
from async_api.db import deferred
from async_api.db import direct
from async_api.db import engine
from async_api.db import lanes
from async_api.db import models
from async_api.db import outbox
from async_api.common import states

_T = models.Task.__table__
_E = models.TaskEvent.__table__

FILTERS = ('resource_uuid', 'resource_type', 'operation', 'project_id')

# States in which a task has been posted and a conductor may run it.
_CLAIMABLE = (states.PENDING, states.RUNNING, states.REVERTING)


# One read per run and per GET: a Core statement, compiled once, instead
# of an ORM query (about three times the CPU for the same row).
_GET = direct.Statement(sa.select(_T).where(
    _T.c.uuid == sa.bindparam('b_uuid')))
_GET_SCOPED = direct.Statement(sa.select(_T).where(
    _T.c.uuid == sa.bindparam('b_uuid'),
    _T.c.project_id == sa.bindparam('b_project')))


def get_task(uuid, project_id=None):
    """A task by UUID; TaskNotFound if it is not there (or not yours).

    The row is read-only (a named tuple of the task's columns).
    """
    params = {'b_uuid': uuid}
    statement = _GET
    if project_id is not None:
        params['b_project'] = project_id
        statement = _GET_SCOPED
    # A plain connection: an ORM session around one direct statement
    # costs half as much again as the statement.
    with engine.current().engine.connect() as conn:
        found = statement.rows(conn, params)
    if not found:
        raise exception.TaskNotFound('Task %s could not be found' % uuid)
    return found[0]


def get_task_by_id(task_id):
    """A task by its id (its place in acceptance order)."""
    with engine.current().reader.using() as session:
        task = session.query(models.Task).filter(
            models.Task.id == task_id).one_or_none()
        if task is None:
            raise exception.TaskNotFound('Task %s could not be found'
                                         % task_id)
        session.expunge(task)
        return task


def list_tasks(filters=None, task_states=None, changes_since=None,
               limit=None, marker=None, sort_dir='desc', project_id=None):
    """Tasks matching the filters, newest first unless ``sort_dir='asc'``.

    :param task_states: an iterable of states, any of which matches.
    :param changes_since: only tasks updated (or created) at or after this.
    :param marker: UUID of the last task of the previous page.
    :param project_id: only this project's tasks (and marker); None for
        every project's.
    """
    with engine.current().reader.using() as session:
        query = session.query(models.Task)
        for key, value in (filters or {}).items():
            query = query.filter(getattr(models.Task, key) == value)
        if task_states:
            query = query.filter(models.Task.state.in_(list(task_states)))
        if changes_since is not None:
            query = query.filter(
                (models.Task.updated_at >= changes_since)
                | (models.Task.created_at >= changes_since))
        if project_id is not None:
            query = query.filter(models.Task.project_id == project_id)
        marker_obj = None
        if marker is not None:
            # Another project's task is no marker, as if it did not exist.
            marker_query = session.query(models.Task).filter(
                models.Task.uuid == marker)
            if project_id is not None:
                marker_query = marker_query.filter(
                    models.Task.project_id == project_id)
            marker_obj = marker_query.one_or_none()
            if marker_obj is None:
                raise exception.InvalidParameter(
                    'Marker task %s could not be found' % marker)
        # id grows with acceptance: it is the order of the tasks.
        query = db_utils.paginate_query(query, models.Task, limit, ['id'],
                                        marker=marker_obj, sort_dir=sort_dir)
        tasks = query.all()
        session.expunge_all()
        return tasks


class FencedOff(Exception):
    """A fenced task write was refused: the task's claim epoch moved on.

    The task table's fence, not the jobboard's: another conductor has
    taken the *task* up (:func:`claim_task`) since the writer's epoch, so
    the engine that tried the write works from a lost claim and must
    stop. Losing the *job* on the board is
    :class:`async_api.jobboard.exceptions.StaleClaim`.
    """


def _fence_check(conn, uuid, fence):
    """Raise FencedOff unless the task's claim epoch is ``fence``.

    ``conn`` is a session or a connection.
    """
    current = _EPOCH.execute(conn, {'b_uuid': uuid}).scalar()
    if current is None:
        raise exception.TaskNotFound('Task %s could not be found' % uuid)
    if current != fence:
        raise FencedOff('Task %s is at claim epoch %s, not %s'
                        % (uuid, current, fence))


def update_task(uuid, values, expected_states=None, fence=None):
    """Update a task; with ``expected_states``, only from one of them.

    A terminal ``state`` also gives up the task's places in its lanes, in
    the same transaction; the returned task then lists those lanes'
    resources in its ``released_lanes`` attribute, so that the caller can
    promote what waited behind it (:func:`async_api.tasks.lanes.advance`).

    :param fence: the claim epoch of the conductor writing; the write is
        refused with :class:`FencedOff` if the task's epoch has moved on.
    :returns: the updated task, or None when ``expected_states`` did not
        match (someone else moved the task first).
    """
    values = dict(values)
    values.setdefault('updated_at', timeutils.utcnow())
    with engine.current().writer.using() as session:
        query = session.query(models.Task).filter(models.Task.uuid == uuid)
        if expected_states is not None:
            query = query.filter(models.Task.state.in_(list(expected_states)))
        if fence is not None:
            query = query.filter(models.Task.claim_epoch == fence)
        if not query.update(values, synchronize_session=False):
            if fence is not None:
                _fence_check(session, uuid, fence)
            if expected_states is None:
                raise exception.TaskNotFound(
                    'Task %s could not be found' % uuid)
            return None
        task = session.query(models.Task).filter(
            models.Task.uuid == uuid).one()
        released = []
        if values.get('state') in states.TERMINAL:
            released = lanes.release(session, uuid)
        outbox.record_terminal(session, uuid, values)
        session.expunge(task)
    task.released_lanes = released
    return task


class Increment:
    """A report value: add one to the column (``attempt``, say)."""


#: Report value that adds one to the column.
INCREMENT = Increment()


class IfUnset:
    """A report value: set the column only where it is still NULL."""

    __slots__ = ('value',)

    def __init__(self, value):
        self.value = value


@functools.cache
def _row_update(fenced, expected_count, shape, unless_cancelled=False):
    """The UPDATE of one report shape, built once and kept.

    One construct per shape (which columns, how, under which WHERE), so
    SQLAlchemy compiles it once per process and every later report only
    binds values. Expected states are bound one parameter each rather than
    as an expanding list, which SQLAlchemy would re-render per execution.
    """
    stmt = sa.update(_T).where(_T.c.uuid == sa.bindparam('b_uuid'))
    if fenced:
        stmt = stmt.where(_T.c.claim_epoch == sa.bindparam('b_epoch'))
    if unless_cancelled:
        stmt = stmt.where(_T.c.cancel_requested == sa.false())
    if expected_count is not None:
        stmt = stmt.where(direct.in_(_T.c.state, 'b_state', expected_count))
    values = {}
    for key, how in shape:
        column = _T.c[key]
        if how is Increment:
            values[key] = column + 1
        elif how is IfUnset:
            values[key] = sa.func.coalesce(
                column, sa.bindparam('v_' + key, type_=column.type))
        else:
            values[key] = sa.bindparam('v_' + key, type_=column.type)
    return direct.Statement(stmt.values(values))


_EVENT_COLUMNS = ('task_uuid', 'event', 'state', 'time', 'host', 'details',
                  'traceback')


@functools.cache
def _insert_events(count):
    """One INSERT of ``count`` events; parameters ``<column>_<i>``."""
    return direct.Statement(sa.insert(_E).values([
        {key: sa.bindparam('%s_%d' % (key, i), type_=_E.c[key].type)
         for key in _EVENT_COLUMNS} for i in range(count)]))


class Report:
    """What :func:`report` wrote; true when the row change was made.

    :ivar released_lanes: resources of the lanes a terminal write gave up
        (see :func:`update_task`).
    :ivar uuid: the task's.
    """

    __slots__ = ('written', 'released_lanes', 'uuid')

    def __init__(self, written, released_lanes=(), uuid=None):
        self.written = written
        self.released_lanes = list(released_lanes)
        self.uuid = uuid

    def __bool__(self):
        return self.written


def _set(conn, uuid, values, expected_states, fence,
         unless_cancelled=False):
    """One UPDATE of the task row; its rowcount (no re-read of the row)."""
    params = {'b_uuid': uuid}
    if fence is not None:
        params['b_epoch'] = fence
    expected_count = None
    if expected_states is not None:
        expected_states = tuple(expected_states)
        expected_count = len(expected_states)
        params.update(direct.in_params('b_state', expected_states))
    shape = []
    for key in sorted(values):
        value = values[key]
        if isinstance(value, Increment):
            shape.append((key, Increment))
            continue
        if isinstance(value, IfUnset):
            shape.append((key, IfUnset))
            value = value.value
        else:
            shape.append((key, None))
        params['v_' + key] = value
    stmt = _row_update(fence is not None, expected_count, tuple(shape),
                       unless_cancelled)
    return stmt.execute(conn, params).rowcount


def report(uuid, values, expected_states=None, fence=None, event=None,
           fallback=None, hold=False, unless_cancelled=False):
    """Change a task row and record a step event, in one transaction.

    The reporter's write: the event of a step transition and the row
    change it implies (step, progress, state) commit together, as plain
    statements with no re-read of the row, and with whatever this thread
    holds for its next transaction (the flow's own save of that
    transition, earlier held reports; see :mod:`async_api.db.deferred`),
    written first, in the order it was held. Held reports of the same
    task that lead to the same result as one UPDATE are written as one,
    with this one, and their events in one INSERT.

    :param values: columns to set; ``updated_at`` is added. A value may
        be :data:`INCREMENT` (add one) or :class:`IfUnset` (keep a value
        already there).
    :param expected_states: change the row only from one of these; the
        event (if any) is recorded all the same.
    :param fence: the writer's claim epoch: nothing is written, and
        :class:`FencedOff` raised, once the task's epoch has moved on.
    :param event: ``dict(event=, state=, host=, details=, traceback=)``,
        or None.
    :param fallback: ``(values, expected_states)`` to try next when
        ``expected_states`` did not match.
    :param hold: if this thread holds writes (inside
        :func:`~async_api.db.deferred.holding`), hold this report too,
        for its next transaction, and return None: for a transition that
        nothing outside the process acts on before the next one.
    :param unless_cancelled: change the row only while no cancel was
        requested (a step's start: the report then says the step must
        not run, see :mod:`async_api.tasks.boundary`). Reports held
        before it and joined with it are under the same condition.
    :returns: a :class:`Report`, false when the row was not changed.
    """
    bind = engine.current().engine
    this = _Report(uuid, values, expected_states, fence,
                   [event] if event is not None else [], fallback,
                   unless_cancelled)
    if hold and deferred.put(bind, ('report', this), this):
        return None
    # Held reports of this task just before this one: one UPDATE for all
    # where that is the same as one after the other (see _Report.join).
    absorbed = set()
    for key, earlier in reversed([
            (key, write) for key, write in deferred.held_writes(bind)
            if isinstance(write, _Report) and write.uuid == uuid]):
        joined = earlier.join(this)
        if joined is None:
            break
        this = joined
        absorbed.add(key)
    with bind.begin() as conn:
        committed = deferred.write_held(conn, bind, absorbed)
        result = this(conn)
    committed()
    return result


class _Report:
    """The writes of one :func:`report` call, or of several joined."""

    __slots__ = ('uuid', 'values', 'expected_states', 'fence', 'events',
                 'fallback', 'unless_cancelled')

    def __init__(self, uuid, values, expected_states, fence, events,
                 fallback, unless_cancelled=False):
        self.uuid = uuid
        self.values = values
        self.expected_states = expected_states
        self.fence = fence
        self.events = events
        self.fallback = fallback
        self.unless_cancelled = unless_cancelled

    def join(self, later):
        """This report and then ``later`` as one, or None if they differ.

        Two UPDATEs from the same expected states under the same fence
        are one UPDATE of both values when the state the first leaves the
        row in is one the second accepts: either both change the row or
        neither does. Columns both set plainly take the later value; an
        increment or a keep-if-set is never joined with another write of
        its column. A joined report is refused by a cancel request if
        either part would be: what was held for a step that must not
        start is dropped with it (its events are still recorded).
        """
        if (self.fallback is not None or later.fallback is not None
                or self.expected_states is None
                or later.expected_states is None
                or tuple(self.expected_states)
                != tuple(later.expected_states)
                or self.fence != later.fence):
            return None
        # A row the first leaves alone stays in a state both accept.
        if self.values.get('state', self.expected_states[0]) not in (
                later.expected_states):
            return None
        for key in set(self.values) & set(later.values):
            if any(isinstance(v, (Increment, IfUnset))
                   for v in (self.values[key], later.values[key])):
                return None
        return _Report(self.uuid, dict(self.values, **later.values),
                       self.expected_states, self.fence,
                       self.events + later.events, None,
                       self.unless_cancelled or later.unless_cancelled)

    def __call__(self, conn):
        """Write it on ``conn``; returns the :class:`Report`."""
        uuid, fence = self.uuid, self.fence
        now = timeutils.utcnow()
        tries = [(self.values, self.expected_states)]
        if self.fallback is not None:
            tries.append(self.fallback)
        # The UPDATE first: on SQLite it takes the write lock at once (a
        # read first could not be upgraded while another process writes),
        # and it holds the task row against a new claim until commit.
        for values, expected_states in tries:
            values = dict(values, updated_at=now)
            written = bool(_set(conn, uuid, values, expected_states, fence,
                                self.unless_cancelled))
            if written:
                break
            if fence is None and expected_states is None:
                raise exception.TaskNotFound(
                    'Task %s could not be found' % uuid)
        # Refused by the fence or by the state? A write under the fence
        # alone tells (and dates the event).
        if (not written and fence is not None
                and not _set(conn, uuid, {'updated_at': now}, None, fence)):
            _fence_check(conn, uuid, fence)
        if self.events:
            params = {}
            for i, event in enumerate(self.events):
                row = dict.fromkeys(_EVENT_COLUMNS)
                row.update(event, task_uuid=uuid, time=now)
                params.update(('%s_%d' % (key, i), value)
                              for key, value in row.items())
            _insert_events(len(self.events)).execute(conn, params)
        outbox.record_report(conn, uuid, values if written else None,
                             self.events)
        released = ()
        if written and values.get('state') in states.TERMINAL:
            released = lanes.release(conn, uuid)
        return Report(written, released, uuid)


_CLAIM_CORE = sa.update(_T).where(
    _T.c.uuid == sa.bindparam('b_uuid'),
    _T.c.state.in_([sa.literal(state) for state in _CLAIMABLE]),
    sa.or_(_T.c.job_uuid.is_(None),
           _T.c.job_uuid == sa.bindparam('b_job'))).values(
    claim_epoch=_T.c.claim_epoch + 1, job_uuid=sa.bindparam('b_job'),
    updated_at=sa.bindparam('b_now', type_=_T.c.updated_at.type))
_CLAIM = direct.Statement(_CLAIM_CORE)
_CLAIM_RETURNING = direct.Statement(
    _CLAIM_CORE.returning(_T.c.claim_epoch))
_EPOCH = direct.Statement(sa.select(_T.c.claim_epoch).where(
    _T.c.uuid == sa.bindparam('b_uuid')))
_RUN_COLUMNS = (_T.c.claim_epoch, _T.c.attempt, _T.c.started_at,
                _T.c.operation)
_CLAIM_RUN_RETURNING = direct.Statement(
    _CLAIM_CORE.returning(*_RUN_COLUMNS))
_RUN = direct.Statement(sa.select(*_RUN_COLUMNS).where(
    _T.c.uuid == sa.bindparam('b_uuid')))


class Run(typing.NamedTuple):
    """What a conductor learns when it takes a task up for a run."""

    #: The new claim epoch: the fence of the run's writes.
    fence: int
    #: Runs before this one (this run is ``attempt + 1``).
    attempt: int
    #: When the task first started (None: this is its first run).
    started_at: typing.Optional[datetime.datetime]
    #: The task's operation name.
    operation: str


def claim_task(uuid, job_uuid):
    """Take a task up for ``job_uuid``; returns the new claim epoch.

    One conditional UPDATE: the task must be posted or under way, and
    carried by this job or by none yet (a job the reconciler replaced, or
    a second post of the same task, is a duplicate). The epoch moves on
    by one, fencing off every earlier claim's writes.

    :returns: the epoch, or None when this job may not run the task (it
        is finished, queued, carried by another job, or not there).
    """
    params = {'b_uuid': uuid, 'b_job': job_uuid,
              'b_now': timeutils.utcnow()}
    with engine.current().engine.begin() as conn:
        if conn.dialect.update_returning:
            # One statement where the database can say what it wrote.
            return _CLAIM_RETURNING.execute(conn, params).scalar()
        if not _CLAIM.execute(conn, params).rowcount:
            return None
        return _EPOCH.execute(conn, params).scalar()


_SET_JOB = direct.Statement(sa.update(_T).where(
    _T.c.uuid == sa.bindparam('b_uuid'), _T.c.job_uuid.is_(None)).values(
    job_uuid=sa.bindparam('b_job'), updated_at=sa.bindparam('b_now')))


def claim_task_run(uuid, job_uuid, conn=None):
    """:func:`claim_task`, returning a :class:`Run` (or None).

    Same single UPDATE where the database returns what it wrote; the
    run's deadlines and its attempt number come with the fence at no
    extra cost.

    :param conn: make it on this connection, in its transaction (a
        conductor's claim of the job on the same database), instead of
        in a transaction of its own.
    """
    params = {'b_uuid': uuid, 'b_job': job_uuid,
              'b_now': timeutils.utcnow()}
    if conn is None:
        with engine.current().engine.begin() as conn:
            return _claim_run(conn, params)
    return _claim_run(conn, params)


def _claim_run(conn, params):
    dialect = conn.dialect
    if dialect.update_returning:
        row = _CLAIM_RUN_RETURNING.execute(conn, params).first()
    elif _CLAIM.execute(conn, params).rowcount:
        row = _RUN.execute(conn, params).first()
    else:
        row = None
    if row is None:
        return None
    started_at = row[2]
    if started_at is not None and not isinstance(started_at,
                                                 datetime.datetime):
        # Rows come as the driver gives them: SQLite keeps text.
        process = _T.c.started_at.type.dialect_impl(
            dialect).result_processor(dialect, None)
        started_at = process(started_at) if process else started_at
    return Run(row[0], row[1] or 0, started_at, row[3])


def set_job(uuid, job_uuid):
    """Record the job just posted for a task, unless one is recorded.

    In a transaction of its own: a task posted in the transaction that
    accepts it is inserted with its job's uuid instead
    (:class:`async_api.tasks.posting.WithinAccept`).
    """
    params = {'b_uuid': uuid, 'b_job': job_uuid,
              'b_now': timeutils.utcnow()}
    with engine.current().engine.begin() as conn:
        _SET_JOB.execute(conn, params)


def take_over_posting(task, now=None):
    """Compare-and-set for re-posting ``task`` (as read earlier).

    Succeeds only if the task is still unfinished and nobody posted or
    claimed it since it was read (``posted_at`` and ``job_uuid`` are
    unchanged); it then has no job and a fresh ``posted_at``.

    :returns: True if the caller now owns posting the task.
    """
    now = now or timeutils.utcnow()
    with engine.current().writer.using() as session:
        query = session.query(models.Task).filter(
            models.Task.id == task.id,
            models.Task.state.in_(_CLAIMABLE))
        for column in (models.Task.posted_at, models.Task.job_uuid):
            seen = getattr(task, column.key)
            query = query.filter(column.is_(None) if seen is None
                                 else column == seen)
        return bool(query.update({'posted_at': now, 'job_uuid': None},
                                 synchronize_session=False))


def list_unposted(posted_before, limit=500):
    """Unfinished, unqueued tasks last posted before ``posted_before``.

    Candidates for the reconciler, which checks which have no job. A task
    under way must also have been quiet since then: its conductor may not
    have noticed yet that its job vanished.
    """
    with engine.current().reader.using() as session:
        tasks = session.query(models.Task).filter(
            models.Task.state.in_(_CLAIMABLE),
            sa.or_(models.Task.posted_at.is_(None),
                   models.Task.posted_at < posted_before),
            sa.or_(models.Task.state == states.PENDING,
                   models.Task.updated_at.is_(None),
                   models.Task.updated_at < posted_before)).order_by(
            models.Task.id).limit(limit).all()
        session.expunge_all()
        return tasks


def list_events(task_uuid):
    """The step events of a task, oldest first."""
    with engine.current().reader.using() as session:
        events = session.query(models.TaskEvent).filter(
            models.TaskEvent.task_uuid == task_uuid).order_by(
            models.TaskEvent.id).all()
        session.expunge_all()
        return events
