"""The accept path: validate, record the task, post its job.

:func:`submit` is exactly what the API does for every mutating request
that starts an operation, so a service may call it directly and get the
same guarantees. It never waits on a conductor.
"""

import jsonschema
from oslo_db import exception as db_exc
from oslo_log import log

from async_api.common import exception
from async_api import conf as async_conf
from async_api.db import tasks as db_tasks
from async_api.idempotency import keys
from async_api.idempotency import store
from async_api.operations import registry
from async_api.tasks import posting
from async_api.tasks import states

LOG = log.getLogger(__name__)

ACCEPTED = 202


def validate_params(operation, params):
    """Check ``params`` against the operation's schema; 400 if they fail."""
    validator = jsonschema.Draft202012Validator(operation.schema)
    errors = sorted(validator.iter_errors(params), key=lambda e: e.path)
    if errors:
        error = errors[0]
        where = '/'.join(str(p) for p in error.absolute_path) or '(body)'
        raise exception.InvalidParameter(
            'Invalid parameters for %s at %s: %s'
            % (operation.name, where, error.message))


def submit(context, operation_name, resource_uuid, params, conf=None,
           task_uuid=None, idempotency_key=None):
    """Accept an operation on a resource and return its task.

    :param context: an ``oslo_context`` request context (request id,
        project and user are recorded on the task).
    :param operation_name: a registered operation's name.
    :param resource_uuid: UUID of an existing resource of the operation's
        type; the caller has checked that it exists and may be acted on.
    :param params: the operation's parameters, checked against its schema.
    :param task_uuid: the UUID the task must have. If a task with it exists
        already, that task is returned and nothing new is accepted (this is
        how a request that takes over an idempotency key finishes the work
        of one that died).
    :param idempotency_key: for callers outside the HTTP API: the same key
        with the same operation, resource and parameters returns the first
        task again instead of starting a second operation.
    :raises InvalidParameter: the parameters do not meet the schema;
        nothing is stored.
    :raises OperationNotFound: no such operation.
    :raises IdempotencyKeyMismatch: the key was used for another request.
    :raises IdempotencyKeyInUse: the key's first request is in progress.
    """
    conf = conf or async_conf.CONF
    operation = registry.get(operation_name)
    params = dict(params or {})
    validate_params(operation, params)
    if idempotency_key is None:
        return _accept(conf, context, operation, resource_uuid, params,
                       task_uuid)
    keys.validate(idempotency_key)
    fingerprint = keys.fingerprint('SUBMIT', '%s/%s' % (
        operation.name, resource_uuid), params)
    claim = store.begin(conf, getattr(context, 'project_id', None),
                        idempotency_key, fingerprint)
    if isinstance(claim, store.StoredResponse):
        return db_tasks.get_task(claim.reserved_uuid)
    try:
        task = _accept(conf, context, operation, resource_uuid, params,
                       claim.reserved_uuid)
    except Exception:
        claim.release()
        raise
    claim.complete(ACCEPTED, None, None)
    return task


def _accept(conf, context, operation, resource_uuid, params, task_uuid):
    values = {
        'operation': operation.name,
        'resource_type': operation.resource_type,
        'resource_uuid': resource_uuid,
        'state': states.PENDING,
        'params': params,
        'request_id': getattr(context, 'request_id', None),
        'project_id': getattr(context, 'project_id', None),
        'user_id': getattr(context, 'user_id', None),
    }
    if task_uuid is not None:
        values['uuid'] = task_uuid
    try:
        task = db_tasks.create_task(values)
    except db_exc.DBDuplicateEntry:
        # Created by an earlier holder of the same reservation.
        return db_tasks.get_task(task_uuid)
    # The task is committed before its job is posted: if posting fails, the
    # task stays pending with no job, and the reconciler posts it again.
    try:
        job = posting.post(conf, task, operation)
    except Exception:
        LOG.exception('Task %s was accepted but its job could not be posted; '
                      'it will be posted again', task.uuid)
        return task
    return db_tasks.update_task(task.uuid, {'job_uuid': job.uuid}) or task
