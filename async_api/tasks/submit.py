"""The accept path: validate, record the task, post its job.

:func:`submit` is exactly what the API does for every mutating request
that starts an operation, so a service may call it directly and get the
same guarantees. It never waits on a conductor.

A task takes its place in the lane of each resource it works on
(:mod:`async_api.db.lanes`). At the head of them all it is stored
``pending`` and posted at once (in the same transaction where the board
shares the tasks' database); otherwise it is stored ``queued`` and is
posted when the task before it finishes.
"""

import jsonschema
from oslo_db import exception as db_exc
from oslo_log import log

from async_api.common import exception
from async_api import conf as async_conf
from async_api.db import lanes as db_lanes
from async_api.db import tasks as db_tasks
from async_api.idempotency import keys
from async_api.idempotency import store
from async_api.operations import registry
from async_api import resources as resource_types
from async_api.tasks import lanes
from async_api.tasks import posting
from async_api.common import states

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
           task_uuid=None, idempotency_key=None, resources=None):
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
    :param resources: UUIDs of other resources the operation works on (the
        target of a move, say). The task holds the lanes of all of them:
        it starts after every task accepted before it on any of them, and
        the tasks accepted after it on any of them wait for it. By
        default, what the resource type's ``lanes`` hook says
        (:mod:`async_api.resources`).
    :raises InvalidParameter: the parameters do not meet the schema;
        nothing is stored.
    :raises OperationNotFound: no such operation.
    :raises IdempotencyKeyMismatch: the key was used for another request.
    :raises IdempotencyKeyInUse: the key's first request is in progress.
    :raises ResourceQueueFull: a resource has
        ``[async_api_lanes]max_queued_per_resource`` unfinished tasks
        already.
    """
    conf = conf or async_conf.CONF
    operation = registry.get(operation_name)
    params = dict(params or {})
    validate_params(operation, params)
    if resources is None:
        hooks = resource_types.get(operation.resource_type)
        if hooks is not None and hooks.lanes is not None:
            resources = hooks.lanes(resource_uuid, params)
    resources = db_lanes.lane_resources(resource_uuid, resources)
    if idempotency_key is None:
        return _accept(conf, context, operation, resources, params,
                       task_uuid)
    keys.validate(idempotency_key)
    fingerprint = keys.fingerprint('SUBMIT', '%s/%s' % (
        operation.name, ','.join(resources)), params)
    claim = store.begin(conf, getattr(context, 'project_id', None),
                        idempotency_key, fingerprint)
    if isinstance(claim, store.StoredResponse):
        return db_tasks.get_task(claim.reserved_uuid)
    try:
        task = _accept(conf, context, operation, resources, params,
                       claim.reserved_uuid)
    except Exception:
        claim.release()
        raise
    claim.complete(ACCEPTED, None, None)
    return task


def _accept(conf, context, operation, resources, params, task_uuid):
    values = {
        'operation': operation.name,
        'resource_type': operation.resource_type,
        'resource_uuid': resources[0],
        'params': params,
        'request_id': getattr(context, 'request_id', None),
        'project_id': getattr(context, 'project_id', None),
        'user_id': getattr(context, 'user_id', None),
    }
    if task_uuid is not None:
        values['uuid'] = task_uuid
    limit = conf.async_api_lanes.max_queued_per_resource
    # Posted in the accept's own transaction where everything shares one
    # database; elsewhere after it, below.
    within = posting.within_accept(conf, operation)
    try:
        task = db_lanes.accept(
            values, resources, limit=limit, on_head=within,
            head_values=within.head_values if within is not None else None)
    except db_exc.DBDuplicateEntry:
        # Created by an earlier holder of the same reservation.
        return db_tasks.get_task(task_uuid)
    if within is not None and within.job is not None:
        within.announce()
        return task
    if task.state == states.QUEUED:
        # The task before it may have finished since our check, before
        # our commit: look again now that the task is visible to all.
        # The task is accepted whatever happens now: a failure here must
        # not tell the client otherwise (it would submit it again).
        try:
            if db_lanes.is_head(task.id):
                return lanes.promote_and_post(conf, task.id) or task
        except Exception:
            LOG.exception('Could not promote task %s after accepting it; '
                          'the reconciler will', task.uuid)
        return task
    # On a board of its own database, the task is committed before its
    # job is posted: if posting fails (or this process dies first), the
    # task stays pending with no job, and the conductors' reconciler
    # posts it again.
    job = posting.post_and_record(conf, task, operation, fresh=True)
    if job is not None:
        task.job_uuid = task.job_uuid or job.uuid
    return task
