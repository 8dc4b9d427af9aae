"""The notification outbox: rows written with the task changes they report.

A task change and the notification that reports it commit in one
transaction (the transactional-outbox pattern): a notification exists
exactly when its change was committed, and a sender
(:mod:`async_api.notifications.sender`) hands it to the notification bus
later, outside every task's transaction, so a bus that is down never
fails or slows a task.

Recording is off until :func:`enable` installs a builder (the
``[oslo_messaging_notifications]`` driver is not ``noop``): then every
recording point (the accept, each report of a running task, a cancel, a
conductor's own terminal write) calls :func:`record` or
:func:`record_report` with its connection, and one row is inserted per
notification. Off, those calls return at once and write nothing.

The payloads are built by the installed builder, from the task row as it
is in the transaction, after the change: this module only knows which
transitions a change makes.
"""

from oslo_utils import timeutils
import sqlalchemy as sa

from async_api.common import states
from async_api.db import direct
from async_api.db import models

_T = models.Task.__table__
_N = models.Notification.__table__
_S = models.NotificationSender.__table__

#: Transition kinds; a notification's event type is ``task.<kind>``.
ACCEPTED = 'accepted'
STARTED = 'started'
STEP_START = 'step.start'
STEP_END = 'step.end'
RETRYING = 'retrying'
REVERTING = 'reverting'
#: Terminal kinds are the terminal states themselves.
KINDS = (ACCEPTED, STARTED, STEP_START, STEP_END, RETRYING, REVERTING) + \
    tuple(sorted(states.TERMINAL))

# The kind of each step event state.
_STEP_KINDS = {
    states.STEP_STARTED: STEP_START,
    states.STEP_REVERTING: STEP_START,
    states.STEP_SUCCEEDED: STEP_END,
    states.STEP_FAILED: STEP_END,
    states.STEP_REVERTED: STEP_END,
    states.STEP_RETRYING: RETRYING,
}

_builder = None

# Plain Core statements: they run only while notifications are on, and
# they select and insert JSON and datetimes, which direct.Statement leaves
# to SQLAlchemy.
_TASK = sa.select(_T).where(_T.c.uuid == sa.bindparam('b_uuid'))


def enable(builder):
    """Record notifications from now on, in this process.

    :param builder: ``f(task, transitions)`` returning one dict per
        notification, with ``event_type``, ``priority``, ``publisher_id``
        and ``payload`` (JSON); ``task`` is the task's row mapping and
        ``transitions`` a list of ``(kind, event)``, ``event`` the step
        event dict for the step kinds, else None.
    """
    global _builder
    _builder = builder


def disable():
    """Record nothing more in this process."""
    global _builder
    _builder = None


def enabled():
    return _builder is not None


def record(conn, task_uuid, transitions):
    """Write the notifications of ``transitions`` of a task on ``conn``.

    ``conn`` is the connection (or session) of the transaction that
    commits the change reported. Nothing happens while recording is off.
    """
    builder = _builder
    if builder is None or not transitions:
        return
    conn = direct.connection(conn)
    task = conn.execute(_TASK, {'b_uuid': task_uuid}).mappings().first()
    if task is None:
        return
    rows = builder(task, transitions)
    if rows:
        now = timeutils.utcnow()
        conn.execute(sa.insert(_N), [
            dict(row, task_uuid=task_uuid, created_at=now) for row in rows])


def record_report(conn, task_uuid, values, events):
    """:func:`record` the transitions of one report of a running task.

    :param values: the columns the report changed, or None if it changed
        none (its events are recorded all the same, and so notified).
    :param events: the step events it recorded, in order.

    A task's start, revert or retry is notified before the step events
    written with it (they happen in it); its end after them.
    """
    if _builder is None:
        return
    before, after = [], []
    state = values.get('state') if values else None
    if state == states.RUNNING and 'attempt' in values:
        # Only a run's start counts the attempt; a retry's does not.
        before.append((STARTED, None))
    elif state == states.REVERTING:
        before.append((REVERTING, None))
    elif state in states.TERMINAL:
        after.append((state, None))
    steps = [(_STEP_KINDS[event['state']], event) for event in events
             if event.get('state') in _STEP_KINDS]
    record(conn, task_uuid, before + steps + after)


def record_terminal(conn, task_uuid, values):
    """:func:`record` a task's end, if ``values`` end it."""
    if _builder is not None and values.get('state') in states.TERMINAL:
        record(conn, task_uuid, [(values['state'], None)])


# The sender's side ---------------------------------------------------------

_PENDING = sa.select(
    _N.c.id, _N.c.task_uuid, _N.c.event_type, _N.c.priority,
    _N.c.publisher_id, _N.c.payload).order_by(_N.c.id)
_DELETE = sa.delete(_N).where(_N.c.id == sa.bindparam('b_id'))
_LEASE = sa.update(_S).where(
    _S.c.id == 1,
    sa.or_(_S.c.owner == sa.bindparam('b_owner'), _S.c.owner.is_(None),
           _S.c.expires_at.is_(None),
           _S.c.expires_at < sa.bindparam('b_now'))).values(
    owner=sa.bindparam('b_owner'), expires_at=sa.bindparam('b_until'))
_RELEASE = sa.update(_S).where(
    _S.c.id == 1, _S.c.owner == sa.bindparam('b_owner')).values(
    owner=None, expires_at=None)


def take_lease(bind, owner, now, until):
    """Become (or stay) the one sender until ``until``; True if so."""
    with bind.begin() as conn:
        return bool(conn.execute(_LEASE, {
            'b_owner': owner, 'b_now': now, 'b_until': until}).rowcount)


def release_lease(bind, owner):
    """Let another sender take over at once."""
    with bind.begin() as conn:
        conn.execute(_RELEASE, {'b_owner': owner})


def pending(bind, limit):
    """The oldest unsent notifications, in the order they were written."""
    with bind.connect() as conn:
        return [dict(row) for row in conn.execute(
            _PENDING.limit(limit)).mappings()]


def delete(bind, notification_id):
    """Forget a notification that was sent."""
    with bind.begin() as conn:
        conn.execute(_DELETE, {'b_id': notification_id})
