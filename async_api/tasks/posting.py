"""Post a task's job on the jobboard.

The job carries only what a conductor needs to build the flow: the flow
factory (saved in a logbook, as TaskFlow conductors expect) and the task's
UUID in the engine store. Parameters are read from the task row, so
secrets never travel through the board.

A task has one logbook for its whole life, whose UUIDs derive from the
task's: a task posted again (its job was lost) resumes the flow where it
stopped instead of starting it over.
"""

import contextlib
import uuid

from oslo_log import log
from oslo_utils import uuidutils
from taskflow import exceptions as tf_exc
from taskflow.persistence import models as tf_models

from async_api.db import deferred
from async_api.db import engine as db_engine
from async_api.db import tasks as db_tasks
from async_api.jobboard import board as sql_board
from async_api.jobboard import factory as board_factory
from async_api.persistence import factory as persistence_factory

LOG = log.getLogger(__name__)

_NAMESPACE = uuid.UUID('4c4d5c8e-7a0b-4a8e-9d55-0f1c2b3a4d5e')


def book_uuid(task_uuid):
    """The UUID of a task's logbook."""
    return str(uuid.uuid5(_NAMESPACE, 'book:%s' % task_uuid))


def _logbook(conn, task, operation, fresh=False):
    if not fresh:
        # Posted again: resume the flow where it stopped.
        try:
            return conn.get_logbook(book_uuid(task.uuid))
        except tf_exc.NotFound:
            pass
    book = _new_logbook(task, operation)
    conn.save_logbook(book)
    return book


def _new_logbook(task, operation):
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
    return book


def _details(task):
    return {
        'store': {'task_uuid': task.uuid,
                  'resource_uuid': task.resource_uuid},
        'task_uuid': task.uuid,
    }


def post(conf, task, operation, fresh=False):
    """Save the task's logbook (first post only) and post its job.

    (On one database a fresh task is posted in the transaction that
    accepts it instead: :class:`WithinAccept`.)

    :param fresh: the task was accepted just now, so it has no logbook
        yet: do not look for one.
    :returns: the job.
    """
    persistence = persistence_factory.persistence(conf)
    with contextlib.closing(persistence.get_connection()) as conn:
        book = _logbook(conn, task, operation, fresh)
    return board_factory.board(conf).post(task.uuid, book=book,
                                          details=_details(task))


def _one_database(board, persistence):
    """Whether the board, the logbooks and the tasks share one engine."""
    if not isinstance(board, sql_board.SQLAlchemyJobBoard):
        return False
    bind = db_engine.current().engine
    return (board.engine is bind
            and getattr(persistence, 'engine', None) is bind
            # A conductor thread holding writes for its run: they go
            # first, by the paths that know of them.
            and not deferred.is_holding(bind))


class WithinAccept:
    """Posts a fresh task inside the transaction that accepts it.

    On one database (the embedded default) the task's row, its places in
    the lanes, its logbook, its job and the task's record of the job all
    commit together: an accept commits once, and a failure stores none
    of it (the client is told, and nothing waits for the reconciler).
    Call it as the accept's ``on_head`` hook, with its
    :attr:`head_values`; once that transaction has committed,
    :meth:`announce`.
    """

    def __init__(self, board, persistence, operation):
        self._board = board
        self._persistence = persistence
        self._operation = operation
        #: The job posted, once the hook ran.
        self.job = None
        #: The columns a pending task is inserted with: its job's uuid,
        #: chosen now, so that the task row needs no update to record it.
        self.head_values = {'job_uuid': uuidutils.generate_uuid()}

    def __call__(self, connection, task):
        book = _new_logbook(task, self._operation)
        with contextlib.closing(self._persistence.get_connection()) as conn:
            conn.insert_logbook(connection, book)
        self.job = self._board.post_within(
            connection, task.uuid, book=book, details=_details(task),
            job_uuid=task.job_uuid)

    def announce(self):
        """Wake an idle conductor: the job is on the board now."""
        if self.job is not None:
            self._board.announce()


def within_accept(conf, operation):
    """A :class:`WithinAccept` for ``operation``, or None where the board,
    the logbooks and the tasks are not on one database."""
    board = board_factory.board(conf)
    persistence = persistence_factory.persistence(conf)
    if not _one_database(board, persistence):
        return None
    return WithinAccept(board, persistence, operation)


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
