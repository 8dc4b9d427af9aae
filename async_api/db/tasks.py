"""Data access for tasks and their step events."""

from oslo_db.sqlalchemy import utils as db_utils
from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa

from async_api.common import exception
from async_api.db import engine
from async_api.db import lanes
from async_api.db import models
from async_api.tasks import states

FILTERS = ('resource_uuid', 'resource_type', 'operation', 'project_id')

# States in which a task has been posted and a conductor may run it.
_CLAIMABLE = (states.PENDING, states.RUNNING, states.REVERTING)


def create_task(values):
    """Insert a task row; returns it detached from its session."""
    values = dict(values)
    values.setdefault('uuid', uuidutils.generate_uuid())
    task = models.Task(**values)
    with engine.current().writer.using() as session:
        session.add(task)
        session.flush()
        session.expunge(task)
    return task


def get_task(uuid, project_id=None):
    """A task by UUID; TaskNotFound if it is not there (or not yours)."""
    with engine.current().reader.using() as session:
        query = session.query(models.Task).filter(models.Task.uuid == uuid)
        if project_id is not None:
            query = query.filter(models.Task.project_id == project_id)
        task = query.one_or_none()
        if task is None:
            raise exception.TaskNotFound('Task %s could not be found' % uuid)
        session.expunge(task)
        return task


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
            marker_obj = session.query(models.Task).filter(
                models.Task.uuid == marker).one_or_none()
            if marker_obj is None:
                raise exception.InvalidParameter(
                    'Marker task %s could not be found' % marker)
        # id grows with acceptance: it is the order of the tasks.
        query = db_utils.paginate_query(query, models.Task, limit, ['id'],
                                        marker=marker_obj, sort_dir=sort_dir)
        tasks = query.all()
        session.expunge_all()
        return tasks


class StaleClaim(Exception):
    """A fenced write was refused: another claim has taken the task up.

    The engine that tried it works from a lost claim and must stop.
    """


def _fence_check(session, uuid, fence):
    """Raise StaleClaim unless the task's claim epoch is ``fence``."""
    current = session.query(models.Task.claim_epoch).filter(
        models.Task.uuid == uuid).scalar()
    if current is None:
        raise exception.TaskNotFound('Task %s could not be found' % uuid)
    if current != fence:
        raise StaleClaim('Task %s is at claim epoch %s, not %s'
                         % (uuid, current, fence))


def update_task(uuid, values, expected_states=None, fence=None):
    """Update a task; with ``expected_states``, only from one of them.

    A terminal ``state`` also gives up the task's places in its lanes, in
    the same transaction; the returned task then lists those lanes'
    resources in its ``released_lanes`` attribute, so that the caller can
    promote what waited behind it (:func:`async_api.tasks.lanes.advance`).

    :param fence: the claim epoch of the conductor writing; the write is
        refused with :class:`StaleClaim` if the task's epoch has moved on.
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
            released = lanes.release(session, task.id)
        session.expunge(task)
    task.released_lanes = released
    return task


def add_event(task_uuid, event, state, host=None, details=None,
              traceback=None, fence=None):
    """Record one step transition of a task.

    :param fence: as for :func:`update_task`: the event is refused with
        :class:`StaleClaim` unless the task is at this claim epoch.
    """
    now = timeutils.utcnow()
    row = models.TaskEvent(task_uuid=task_uuid, event=event, state=state,
                           host=host, details=details, traceback=traceback,
                           time=now)
    with engine.current().writer.using() as session:
        if fence is not None:
            # A write first (SQLite takes its lock at once) that also
            # holds the task row against a new claim until commit.
            if not session.query(models.Task).filter(
                    models.Task.uuid == task_uuid,
                    models.Task.claim_epoch == fence).update(
                    {'updated_at': now}, synchronize_session=False):
                _fence_check(session, task_uuid, fence)
        session.add(row)
        session.flush()
        session.expunge(row)
    return row


def claim_task(uuid, job_uuid):
    """Take a task up for ``job_uuid``; returns the new claim epoch.

    One conditional UPDATE: the task must be posted or under way, and
    carried by this job or by none yet (a job the reconciler replaced, or
    a second post of the same task, is a duplicate). The epoch moves on
    by one, fencing off every earlier claim's writes.

    :returns: the epoch, or None when this job may not run the task.
    """
    with engine.current().writer.using() as session:
        taken = session.query(models.Task).filter(
            models.Task.uuid == uuid,
            models.Task.state.in_(_CLAIMABLE),
            sa.or_(models.Task.job_uuid.is_(None),
                   models.Task.job_uuid == job_uuid)).update(
            {'claim_epoch': models.Task.claim_epoch + 1,
             'job_uuid': job_uuid}, synchronize_session=False)
        if not taken:
            return None
        return session.query(models.Task.claim_epoch).filter(
            models.Task.uuid == uuid).scalar()


def set_job(uuid, job_uuid):
    """Record the job just posted for a task, unless one is recorded."""
    with engine.current().writer.using() as session:
        session.query(models.Task).filter(
            models.Task.uuid == uuid,
            models.Task.job_uuid.is_(None)).update(
            {'job_uuid': job_uuid}, synchronize_session=False)


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


def count_active(resource_uuid):
    """How many tasks on a resource are not yet terminal."""
    with engine.current().reader.using() as session:
        return session.query(models.Task).filter(
            models.Task.resource_uuid == resource_uuid,
            models.Task.state.in_(states.ACTIVE)).count()
