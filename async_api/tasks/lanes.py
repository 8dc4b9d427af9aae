"""Move lanes on: promote the next task of a resource and post it.

The database decides who is next (:mod:`async_api.db.lanes`); this module
posts what it promoted. Whoever finishes a task calls :func:`advance`
right after the commit that finished it. If that process dies in between,
the conductors' reconciler (:mod:`async_api.conductor.reconciler`) finds
the lane's head still queued and promotes it.
"""

from oslo_log import log

from async_api.common import exception
from async_api.db import lanes as db_lanes
from async_api.db import tasks as db_tasks
from async_api.operations import registry
from async_api.tasks import posting

LOG = log.getLogger(__name__)


def operation_of(task):
    """The operation of a stored task, to post it."""
    try:
        return registry.get(task.operation)
    except exception.OperationNotFound:
        # Posted all the same: the conductor fails it as unbuildable, so
        # that it ends and its lanes move on.
        return registry.Operation(
            name=task.operation, resource_type=task.resource_type,
            schema={}, flow_factory='%s:unknown' % task.operation)


def promote_and_post(conf, task_id):
    """Promote a queued task that heads its lanes, then post it.

    :returns: the promoted task, or None if it was not promoted (not at
        the head yet, or someone else promoted it first).
    """
    if not db_lanes.promote(task_id):
        return None
    task = db_tasks.get_task_by_id(task_id)
    LOG.debug('Task %s heads its lanes; posting it', task.uuid)
    posting.post_and_record(conf, task, operation_of(task))
    return task


def advance(conf, resources):
    """Promote and post the next task of each lane in ``resources``.

    Call after the commit that finished a task, with the lanes it
    released (``task.released_lanes``). Never raises: a failure is left
    to the reconciler.

    :returns: the promoted tasks.
    """
    promoted = []
    try:
        for task_id in db_lanes.heads(resources):
            task = promote_and_post(conf, task_id)
            if task is not None:
                promoted.append(task)
    except Exception:
        LOG.exception('Could not move on the lanes of %s; the reconciler '
                      'will', ', '.join(resources))
    return promoted
