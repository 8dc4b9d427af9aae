"""``/v1/tasks``: accepted operations, their state and step events.

Served from the database only. The controllers here are meant to be
mounted by services that import async_api, anywhere in their own Pecan
app and with or without the library's hooks (see
:mod:`async_api.api.request`): :class:`TasksController` builds its links
from where it is mounted, and :class:`ResourceTasksController` lists the
tasks of one of the service's resources.
"""

from oslo_utils import timeutils
import pecan
from pecan import rest
from wsme import types as wtypes

from async_api.api.controllers import action
from async_api.api.expose import expose
from async_api.api import links
from async_api.api import pagination
from async_api.api import policy
from async_api.api import prefer
from async_api.api import request
from async_api.api.types import collection
from async_api.api.types import event as event_types
from async_api.api.types import task as task_types
from async_api.common import exception
from async_api.db import tasks as db_tasks
from async_api.common import states
from async_api.tasks import cancel as task_cancel

# Seconds a client is asked to wait before polling an unfinished task.
RETRY_AFTER = action.RETRY_AFTER


def _authorized_task(task_uuid, rule):
    """The task, if the caller may see it and ``rule`` allows.

    Another project's task is not found (404), whether it exists or not;
    only a task the caller sees can be refused (403).
    """
    context = request.context()
    conf = request.conf()
    project_id = policy.project_scope(context, conf)
    row = db_tasks.get_task(task_uuid, project_id=project_id)
    policy.authorize(rule, policy.target(row.project_id), context, conf)
    return row, project_id


def _mounted_at(task_uuid=None):
    """The path the tasks collection serving this request is mounted at.

    ``/v2/jobs`` for ``GET /v2/jobs``; the part before the task's UUID for
    ``GET /v2/jobs/{uuid}`` and ``/v2/jobs/{uuid}/events``.
    """
    parts = [p for p in pecan.request.path_info.split('/') if p]
    if task_uuid is not None and task_uuid in parts:
        parts = parts[:parts.index(task_uuid)]
    path = '/'.join(parts)
    request.use_tasks_path(path)
    return path


def parse_states(value):
    """The states of a comma-separated ``state`` argument; 400 if unknown."""
    if value is None:
        return None
    wanted = [item.strip() for item in value.split(',') if item.strip()]
    unknown = [item for item in wanted if item not in states.ALL]
    if unknown or not wanted:
        raise exception.InvalidParameter(
            'state must be a comma-separated list of %s; got %s'
            % (', '.join(states.ALL), value))
    return wanted


def parse_changes_since(value):
    """A naive UTC datetime from an ISO 8601 argument; 400 if invalid."""
    if value is None:
        return None
    try:
        return timeutils.normalize_time(timeutils.parse_isotime(value))
    except ValueError:
        raise exception.InvalidParameter(
            'changes_since must be an ISO 8601 date and time, not %s'
            % value)


def task_collection(filters, page_parts, query, task_states=None,
                    changes_since=None, limit=None, marker=None,
                    sort_dir='desc'):
    """One page of tasks with its ``next`` link."""
    project_id = policy.authorize_list(policy.TASK_LIST, request.context(),
                                       request.conf())
    page_size = pagination.limit(limit)
    rows = db_tasks.list_tasks(
        filters=filters, task_states=task_states,
        changes_since=changes_since, limit=page_size, marker=marker,
        sort_dir=pagination.sort_dir(sort_dir), project_id=project_id)
    result = collection.TaskCollection(
        tasks=[task_types.Task.from_db_obj(row) for row in rows])
    next_url = pagination.next_url(rows, page_size, *page_parts,
                                   query=dict(query, sort_dir=sort_dir))
    if next_url:
        result.next = next_url
    return result


class EventsController(rest.RestController):
    """``/v1/tasks/{uuid}/events``."""

    def __init__(self, task_uuid):
        super().__init__()
        self.task_uuid = task_uuid

    @expose(collection.EventCollection)
    def get_all(self):
        """Every step event of the task, oldest first."""
        # 404 for a task that is not there or not the caller's.
        _authorized_task(self.task_uuid, policy.TASK_EVENTS)
        return collection.EventCollection(
            events=[event_types.Event.from_db_obj(row)
                    for row in db_tasks.list_events(self.task_uuid)])


class CancelController(rest.RestController):
    """``POST /v1/tasks/{uuid}/cancel`` (:mod:`async_api.tasks.cancel`).

    ``200`` with the task when it is cancelled (at once, because it had
    not started, or by an earlier cancel); ``202 Accepted`` with the task
    (``cancel_requested`` true, ``Location`` and ``Retry-After``) when
    its run was asked to stop at its next step, which ends it later.
    ``Prefer: wait=N`` waits for that end. 409 ``task_finished`` when it
    ended otherwise; 409 ``task_not_cancellable`` when its operation may
    not be stopped once started; 404 for another project's task, 403
    for a caller that sees it but may not cancel it.
    """

    def __init__(self, task_uuid):
        super().__init__()
        self.task_uuid = task_uuid

    @expose(task_types.Task, status_code=202)
    def post(self):
        """Cancel the task."""
        _row, project_id = _authorized_task(self.task_uuid,
                                            policy.TASK_CANCEL)
        row = task_cancel.cancel(request.context(), self.task_uuid,
                                 conf=request.conf(),
                                 project_id=project_id)
        if row.state == states.CANCELLED:
            pecan.response.location = links.task_url(row.uuid)
            request.set_status(prefer.OK)
            return task_types.Task.from_db_obj(row)
        return action.answer(row, action.ACCEPTED)


class TasksController(rest.RestController):
    """``/v1/tasks``."""

    @expose(collection.TaskCollection, wtypes.text, wtypes.text,
            wtypes.text, wtypes.text, wtypes.text, int, wtypes.text,
            wtypes.text)
    def get_all(self, resource_uuid=None, resource_type=None,
                operation=None, state=None, changes_since=None, limit=None,
                marker=None, sort_dir='desc'):
        """Tasks, newest first, filtered and paginated."""
        filters = {key: value for key, value in (
            ('resource_uuid', resource_uuid),
            ('resource_type', resource_type),
            ('operation', operation)) if value is not None}
        query = dict(filters, state=state, changes_since=changes_since)
        return task_collection(
            filters, (_mounted_at(),), query,
            task_states=parse_states(state),
            changes_since=parse_changes_since(changes_since),
            limit=limit, marker=marker, sort_dir=sort_dir)

    @expose(task_types.Task, wtypes.text)
    def get_one(self, task_uuid):
        """One task. Unfinished, it says when to poll again.

        With ``Prefer: wait=N``, waits up to N seconds for it to finish
        (:mod:`async_api.api.prefer`).
        """
        _mounted_at(task_uuid)
        row, project_id = _authorized_task(task_uuid, policy.TASK_GET)
        row, waited = prefer.wait_for(row, project_id=project_id)
        if waited is not None:
            prefer.applied(waited)
        if row.state not in states.TERMINAL:
            pecan.response.headers['Retry-After'] = RETRY_AFTER
        return task_types.Task.from_db_obj(row)

    @pecan.expose()
    def _lookup(self, task_uuid, *remainder):
        if remainder and remainder[0] == 'events':
            _mounted_at(task_uuid)
            return EventsController(task_uuid), remainder[1:]
        if remainder and remainder[0] == 'cancel':
            _mounted_at(task_uuid)
            return CancelController(task_uuid), remainder[1:]
        # None: Pecan answers with its own 404 or 405.
        return None


class ResourceTasksController(rest.RestController):
    """The task history of one resource, newest first.

    For example ``/v1/nodes/{id}/tasks``.
    """

    def __init__(self, resource_type, resource_uuid, page_parts):
        """:param page_parts: URL path of this collection, for ``next``."""
        super().__init__()
        self.resource_type = resource_type
        self.resource_uuid = resource_uuid
        self.page_parts = tuple(page_parts)

    @expose(collection.TaskCollection, int, wtypes.text, wtypes.text)
    def get_all(self, limit=None, marker=None, sort_dir='desc'):
        """The resource's tasks, paginated."""
        filters = {'resource_type': self.resource_type,
                   'resource_uuid': self.resource_uuid}
        return task_collection(filters, self.page_parts, {}, limit=limit,
                               marker=marker, sort_dir=sort_dir)
