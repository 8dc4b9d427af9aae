"""Build the notifications of task transitions: type, priority, payload.

The builder installed into :mod:`async_api.db.outbox`: it gets the task
row as the transaction leaves it and the transitions to report, and
returns the rows to write. Event types are ``task.<kind>`` (the kinds of
:mod:`async_api.db.outbox`); a failure is sent at ERROR priority, the
rest at INFO.
"""

from async_api.common import exception
from async_api.common import masking
from async_api.common import states
from async_api.db import outbox
from async_api.notifications import objects
from async_api.operations import registry

#: Prefix of every event type.
EVENT_PREFIX = 'task.'

INFO = 'info'
ERROR = 'error'

# Kinds that report a failure.
_ERROR_KINDS = (states.FAILED, states.ERROR)


def event_type(kind):
    return EVENT_PREFIX + kind


def priority(kind, event=None):
    """ERROR for a task that failed and a step that failed, else INFO."""
    if kind in _ERROR_KINDS:
        return ERROR
    if event is not None and event.get('state') == states.STEP_FAILED:
        return ERROR
    return INFO


def _secret_params(operation_name):
    try:
        return registry.get(operation_name).secret_params
    except exception.OperationNotFound:
        return ()


def task_fields(task):
    """The :class:`~.objects.TaskPayload` fields of a task row, masked."""
    return {
        'uuid': task['uuid'],
        'operation': task['operation'],
        'resource_type': task['resource_type'],
        'resource_uuid': task['resource_uuid'],
        'state': task['state'],
        'progress': task['progress'] or 0,
        'step': task['step'],
        'attempt': task['attempt'] or 0,
        'params': masking.mask(task['params'] or {},
                               _secret_params(task['operation'])),
        'result': masking.mask(task['result']),
        'error': masking.mask(task['error']),
        'request_id': task['request_id'],
        'project_id': task['project_id'],
        'user_id': task['user_id'],
        'cancel_requested': bool(task['cancel_requested']),
        'created_at': task['created_at'],
        'updated_at': task['updated_at'],
        'started_at': task['started_at'],
        'finished_at': task['finished_at'],
    }


def payload(task, event=None):
    """The versioned payload of ``task`` (and of a step ``event``)."""
    values = task_fields(task)
    if event is None:
        return objects.TaskPayload(**values)
    return objects.TaskStepPayload(
        event=event['event'], event_state=event['state'],
        event_host=event.get('host'),
        event_details=masking.mask(event.get('details')), **values)


def notification(publisher_id, task, kind, event=None):
    """One outbox row: ``event_type``, ``priority``, ``publisher_id``,
    ``payload`` (the payload's primitive, plain JSON)."""
    versioned = payload(task, event)
    # Every field is set: a list of "changed" fields says nothing.
    versioned.obj_reset_changes(recursive=True)
    return {'event_type': event_type(kind),
            'priority': priority(kind, event),
            'publisher_id': publisher_id,
            'payload': versioned.obj_to_primitive()}


def builder(publisher_id):
    """The :func:`async_api.db.outbox.enable` builder of this process."""
    def build(task, transitions):
        return [notification(publisher_id, task, kind, event)
                for kind, event in transitions]
    return build


#: Every kind, for the documentation's samples.
KINDS = outbox.KINDS
