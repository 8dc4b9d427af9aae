"""Cancel a task: :func:`cancel`, what ``POST {tasks}/{uuid}/cancel`` does.

================  ========================================================
task state        what a cancel does
================  ========================================================
queued, pending   ends it ``cancelled`` at once, in one conditional UPDATE
(not taken up)    that also gives up its lanes; the next task of each lane
                  is promoted and posted. A job already on the board is
                  consumed unrun by the first conductor that claims it (it
                  may not take a finished task up).
pending (taken    sets ``cancel_requested``: the conductor that took it up
up), running      starts no further step, reverts what ran and ends it
                  ``cancelled`` (``error`` if a revert fails; ``succeeded``
                  if the request came after its last step started). See
                  :mod:`async_api.tasks.boundary`.
reverting         sets ``cancel_requested``; the revert goes on and the
                  task ends ``failed`` (or ``error``) as it would have.
cancelled         nothing: the same answer again.
other finished    :class:`~async_api.common.exception.TaskFinished` (409).
================  ========================================================

An operation registered with ``cancellable=False`` may still be cancelled
while it waits (nothing has run); once a conductor has taken it up, a
cancel is :class:`~async_api.common.exception.TaskNotCancellable` (409).

Every cancel that changes something records one task event, ``cancel`` /
``requested``, with who asked (user, project, request id); a repeated
cancel records nothing.
"""

from oslo_log import log
from oslo_utils import timeutils

from async_api.common import exception
from async_api import conf as async_conf
from async_api.db import cancels as db_cancels
from async_api.db import tasks as db_tasks
from async_api.operations import registry
from async_api.tasks import boundary
from async_api.tasks import lanes
from async_api.tasks import waiters
from async_api.common import states

LOG = log.getLogger(__name__)

#: The state of a task's cancel event.
REQUESTED = 'requested'

# A cancel re-reads the task when a conductor moved it meanwhile; it can
# move on at most twice (taken up, then finished).
_ATTEMPTS = 3


def requester(context):
    """Who asks, from a request context: the cancel event's details."""
    return {key: getattr(context, key, None)
            for key in ('user_id', 'project_id', 'request_id')}


def message(who):
    """One line naming who asked, for the task's error."""
    parts = []
    if who and who.get('user_id'):
        parts.append('user %s' % who['user_id'])
    if who and who.get('project_id'):
        parts.append('project %s' % who['project_id'])
    text = 'Cancelled'
    if parts:
        text += ' by ' + ' of '.join(parts)
    if who and who.get('request_id'):
        text += ' (request %s)' % who['request_id']
    return text


def _cancellable(task):
    try:
        return registry.get(task.operation).cancellable
    except exception.OperationNotFound:
        # A task nobody can build cannot be harmed by stopping it.
        return True


def cancel(context, task_uuid, conf=None, project_id=None):
    """Cancel a task (see the module's table); returns the task row.

    The task is ``cancelled`` in the row returned when it ended at once;
    otherwise it is still active, with ``cancel_requested`` set.

    :param context: the caller's request context (its ``user_id``,
        ``project_id`` and ``request_id`` are recorded); None for the
        service itself.
    :param conf: configuration to post the next tasks of its lanes with
        (default: the global ``CONF``).
    :param project_id: the caller's project: another project's task is
        :class:`~async_api.common.exception.TaskNotFound`, as for a GET.
        None sees every task.
    :raises TaskNotFound: no such task (for this project).
    :raises TaskFinished: the task already ended otherwise.
    :raises TaskNotCancellable: its operation may not be stopped and a
        conductor has taken it up.
    """
    conf = conf or async_conf.CONF
    who = requester(context) if context is not None else {}
    event = {'event': db_cancels.CANCEL_EVENT, 'state': REQUESTED,
             'details': who}
    for _attempt in range(_ATTEMPTS):
        task = db_tasks.get_task(task_uuid, project_id=project_id)
        if task.state == states.CANCELLED:
            return task
        if task.state in states.TERMINAL:
            raise exception.TaskFinished(
                'Task %s already ended %s; only an unfinished task can be '
                'cancelled' % (task_uuid, task.state))
        if task.state in db_cancels.WAITING and not task.claim_epoch:
            done = db_cancels.cancel_waiting(task_uuid, {
                'state': states.CANCELLED,
                'finished_at': timeutils.utcnow(),
                'error': {'code': boundary.CANCELLED,
                          'message': message(who), 'step': None},
            }, event)
            if done is None:
                continue  # Taken up (or finished) meanwhile: look again.
            LOG.info('Task %s cancelled while %s', task_uuid, task.state)
            waiters.notify(task_uuid)
            lanes.advance(conf, done.released_lanes)
            return done
        if not _cancellable(task):
            raise exception.TaskNotCancellable(
                'Task %s runs operation %s, which cannot be stopped once '
                'started' % (task_uuid, task.operation))
        if task.cancel_requested:
            return task
        if db_cancels.request_cancel(task_uuid, event):
            LOG.info('Cancel of task %s (%s) requested', task_uuid,
                     task.state)
            # At once if this process runs it; else its conductor learns
            # it at its next step's start.
            boundary.stop(task_uuid, message(who))
            return db_tasks.get_task(task_uuid)
        # Finished, or requested by someone else, meanwhile: look again.
    return db_tasks.get_task(task_uuid, project_id=project_id)
