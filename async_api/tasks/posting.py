"""Post a task's job on the jobboard.

The job carries only what a conductor needs to build the flow: the flow
factory (saved in a logbook, as TaskFlow conductors expect) and the task's
UUID in the engine store. Parameters are read from the task row, so
secrets never travel through the board.

A task has one logbook for its whole life, whose UUIDs derive from the
task's: a task posted again (its job was lost) resumes the flow where it
stopped instead of starting it over.

Test-only fault hook: when the environment variable named by
:data:`FAULT_EXIT_BEFORE_POST` names a file that exists, the next post
in this process removes the file and ends the process at once
(``os._exit``), as a crash between the task's commit and its post would.
The functional tests of lanes use it; nothing else may set it.
"""

import contextlib
import os
import uuid

from oslo_log import log
from taskflow import exceptions as tf_exc
from taskflow.persistence import models as tf_models

from async_api.db import tasks as db_tasks
from async_api.jobboard import factory as board_factory
from async_api.persistence import factory as persistence_factory

LOG = log.getLogger(__name__)

#: Environment variable of the test-only fault hook (see above).
FAULT_EXIT_BEFORE_POST = 'ASYNC_API_TEST_EXIT_BEFORE_POST'

_NAMESPACE = uuid.UUID('4c4d5c8e-7a0b-4a8e-9d55-0f1c2b3a4d5e')


def book_uuid(task_uuid):
    """The UUID of a task's logbook."""
    return str(uuid.uuid5(_NAMESPACE, 'book:%s' % task_uuid))


def _fault_hook():
    trigger = os.environ.get(FAULT_EXIT_BEFORE_POST)
    if trigger:
        try:
            os.unlink(trigger)
        except FileNotFoundError:
            return
        LOG.warning('Test fault hook: exiting before posting')
        os._exit(17)


def _logbook(conn, task, operation, fresh=False):
    if not fresh:
        # Posted again: resume the flow where it stopped.
        try:
            return conn.get_logbook(book_uuid(task.uuid))
        except tf_exc.NotFound:
            pass
    book = tf_models.LogBook(task.uuid, uuid=book_uuid(task.uuid))
    flow_detail = tf_models.FlowDetail(operation.name, uuid=str(uuid.uuid5(
        _NAMESPACE, 'flow:%s' % task.uuid)))
    book.add(flow_detail)
    # TaskFlow's conductors rebuild the flow from this record by importing
    # the factory by name, so the API process never imports the flows.
    module, _, function = operation.flow_factory.partition(':')
    flow_detail.meta['factory'] = {
        'name': '%s.%s' % (module, function),
        'args': (),
        'kwargs': {},
    }
    flow_detail.meta['task_uuid'] = task.uuid
    conn.save_logbook(book)
    return book


def post(conf, task, operation, fresh=False):
    """Save the task's logbook (first post only) and post its job.

    :param fresh: the task was accepted just now, so it has no logbook
        yet: do not look for one.
    :returns: the job.
    """
    _fault_hook()
    persistence = persistence_factory.persistence(conf)
    with contextlib.closing(persistence.get_connection()) as conn:
        book = _logbook(conn, task, operation, fresh)
    details = {
        'store': {'task_uuid': task.uuid,
                  'resource_uuid': task.resource_uuid},
        'task_uuid': task.uuid,
    }
    board = board_factory.board(conf)
    return board.post(task.uuid, book=book, details=details)


def post_and_record(conf, task, operation, fresh=False):
    """Post ``task`` and record its job on it; returns the job or None.

    A failure is logged, not raised: the task stays without a job and the
    conductors' reconciler posts it again.
    """
    try:
        job = post(conf, task, operation, fresh)
    except Exception:
        LOG.exception('Could not post the job of task %s; the reconciler '
                      'will post it again', task.uuid)
        return None
    try:
        db_tasks.set_job(task.uuid, job.uuid)
    except Exception:
        # The conductor that claims the job records it as well.
        LOG.exception('Could not record job %s on task %s', job.uuid,
                      task.uuid)
    return job
