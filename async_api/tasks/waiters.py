"""Wait for a task to finish: for ``Prefer: wait=N`` answers.

A waiter blocks on a ``threading.Event`` of its own, registered under the
task's UUID. It is woken at once when a task finishes in this process
(the conductor's terminal report, a cancel: :func:`notify`), and
otherwise reads the task row every ``poll_interval`` seconds, for tasks
that finish in other processes. A waiter costs the thread that waits (on
a threaded WSGI server, the connection's own thread, which it holds
anyway) and one primary-key read per poll interval; it takes no CPU in
between and no conductor thread.
"""

import collections
import threading
import time

from async_api.db import tasks as db_tasks
from async_api.common import states

_LOCK = threading.Lock()
_WAITERS = {}
# Tasks that finished in this process lately, newest last: a waiter that
# starts from a row read before it registered (``known``) looks here for
# a finish it would not be woken for. A caller registers microseconds
# after its read, when this many finishes take seconds; one forgotten
# all the same would be seen at the next poll.
_FINISHED = collections.OrderedDict()
_FINISHED_KEPT = 1024


def notify(task_uuid):
    """Wake the waiters of a task that just finished in this process."""
    with _LOCK:
        _FINISHED[task_uuid] = None
        if len(_FINISHED) > _FINISHED_KEPT:
            _FINISHED.popitem(last=False)
        waiters = list(_WAITERS.get(task_uuid, ()))
    for event in waiters:
        event.set()


def waiting(task_uuid):
    """How many waiters wait on the task in this process (for tests)."""
    with _LOCK:
        return len(_WAITERS.get(task_uuid, ()))


def wait(task_uuid, timeout, poll_interval=1.0, project_id=None,
         known=None):
    """The task once it is finished, or as it is after ``timeout`` s.

    :param project_id: the caller's project, as for
        :func:`~async_api.db.tasks.get_task` (TaskNotFound otherwise).
    :param known: the task's row as the caller just read or wrote it (an
        accept's, say): the first read is skipped while that row is
        unfinished and the task has not finished in this process since.
        A finish in another process in between is seen at the next poll.
    """
    event = threading.Event()
    with _LOCK:
        _WAITERS.setdefault(task_uuid, set()).add(event)
        if known is not None and (known.uuid != task_uuid
                                  or known.state in states.TERMINAL
                                  or task_uuid in _FINISHED):
            known = None
    try:
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            # Read after registering: a finish between the two still wakes
            # the next wait at once.
            task = known or db_tasks.get_task(task_uuid,
                                              project_id=project_id)
            known = None
            left = deadline - time.monotonic()
            if task.state in states.TERMINAL or left <= 0:
                return task
            event.wait(min(poll_interval, left))
            event.clear()
    finally:
        with _LOCK:
            events = _WAITERS.get(task_uuid)
            if events is not None:
                events.discard(event)
                if not events:
                    del _WAITERS[task_uuid]
