"""Task bodies: one accepted operation and where it stands."""

from wsme import types as wtypes

from async_api.api import links
from async_api.api.types import base
from async_api.api.types import render
from async_api.common import exception
from async_api.common import masking
from async_api.operations import registry


@render.planned
class TaskError(wtypes.Base):
    """Why a task failed: a stable ``code``, a message and the step."""

    code = wtypes.text
    message = wtypes.text
    step = wtypes.text

    @classmethod
    def from_stored(cls, error):
        if error is None:
            return None
        if not isinstance(error, dict):
            return base.trusted(cls, code=None, message=str(error),
                                step=None)
        return base.trusted(cls, code=_text(error.get('code')),
                            message=_text(error.get('message')),
                            step=_text(error.get('step')))


def _text(value):
    # A stored error is JSON: anything but text (or null) is shown as
    # text, as WSME's check would have refused it.
    return value if value is None or isinstance(value, str) else str(value)


def _secret_params(operation_name):
    try:
        return registry.get(operation_name).secret_params
    except exception.OperationNotFound:
        # An operation removed since the task ran: the key heuristic
        # still hides the usual secrets.
        return frozenset()


@render.planned
class Task(wtypes.Base):
    """A task as the API shows it; secret parameters masked."""

    uuid = wtypes.text
    operation = wtypes.text
    resource_type = wtypes.text
    resource_uuid = wtypes.text
    state = wtypes.text
    progress = int
    step = wtypes.text
    params = base.jsondict
    result = base.jsontype
    error = TaskError
    request_id = wtypes.text
    project_id = wtypes.text
    user_id = wtypes.text
    cancel_requested = bool
    attempt = int
    created_at = wtypes.datetime.datetime
    updated_at = wtypes.datetime.datetime
    started_at = wtypes.datetime.datetime
    finished_at = wtypes.datetime.datetime
    links = [base.Link]

    @classmethod
    def from_db_obj(cls, task):
        """The body of a ``models.Task`` row (its columns need no check)."""
        return base.trusted(
            cls,
            uuid=task.uuid,
            operation=task.operation,
            resource_type=task.resource_type,
            resource_uuid=task.resource_uuid,
            state=task.state,
            progress=task.progress or 0,
            step=task.step,
            params=masking.mask(task.params or {},
                                _secret_params(task.operation)),
            result=masking.mask(task.result),
            error=TaskError.from_stored(masking.mask(task.error)),
            request_id=task.request_id,
            project_id=task.project_id,
            user_id=task.user_id,
            cancel_requested=bool(task.cancel_requested),
            attempt=task.attempt or 0,
            created_at=base.utc(task.created_at),
            updated_at=base.utc(task.updated_at),
            started_at=base.utc(task.started_at),
            finished_at=base.utc(task.finished_at),
            links=base.links([links.link('self', links.task_url(task.uuid))]))
