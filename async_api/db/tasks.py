"""Data access for tasks and their step events."""

from oslo_db.sqlalchemy import utils as db_utils
from oslo_utils import timeutils
from oslo_utils import uuidutils

from async_api.common import exception
from async_api.db import engine
from async_api.db import models
from async_api.tasks import states

FILTERS = ('resource_uuid', 'resource_type', 'operation', 'project_id')


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


def update_task(uuid, values, expected_states=None):
    """Update a task; with ``expected_states``, only from one of them.

    :returns: the updated task, or None when ``expected_states`` did not
        match (someone else moved the task first).
    """
    values = dict(values)
    values.setdefault('updated_at', timeutils.utcnow())
    with engine.current().writer.using() as session:
        query = session.query(models.Task).filter(models.Task.uuid == uuid)
        if expected_states is not None:
            query = query.filter(models.Task.state.in_(list(expected_states)))
        if not query.update(values, synchronize_session=False):
            if expected_states is None:
                raise exception.TaskNotFound(
                    'Task %s could not be found' % uuid)
            return None
        task = session.query(models.Task).filter(
            models.Task.uuid == uuid).one()
        session.expunge(task)
        return task


def add_event(task_uuid, event, state, host=None, details=None,
              traceback=None):
    """Record one step transition of a task."""
    row = models.TaskEvent(task_uuid=task_uuid, event=event, state=state,
                           host=host, details=details, traceback=traceback,
                           time=timeutils.utcnow())
    with engine.current().writer.using() as session:
        session.add(row)
        session.flush()
        session.expunge(row)
    return row


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
