"""Stop a running flow at its next step boundary when its task is cancelled.

A cancel request on a running task (:func:`async_api.tasks.cancel.cancel`)
sets the task row's ``cancel_requested``. The run must then start no
further step, and revert what it did. This module is how, for every flow,
without the flow's cooperation:

* The conductor registers each task it runs here (:func:`running`), and
  guards its engine (:func:`guard`): every task atom of the compiled flow
  checks this process's flag of the task in ``pre_execute``, which TaskFlow
  calls right before ``execute`` and inside the same ``try``: raising
  :class:`TaskCancelled` there fails the step exactly as a failure of the
  step itself would, so the engine reverts what ran (the step too, as
  TaskFlow reverts a failed step) and the task ends ``cancelled``
  (:mod:`async_api.conductor.listeners` maps the ``cancelled`` code).
* The flag is set without a read per step. The report of a step's start
  (:class:`~async_api.conductor.listeners.TaskReporter`), written and
  committed before the step acts anyway, is conditional on no cancel
  request (:func:`async_api.db.tasks.report` ``unless_cancelled``): when
  it is refused, the reporter sets the flag, and the step's
  ``pre_execute``, which follows, raises. So every step start sees a
  request committed before it, on any conductor, at no extra query.
* A cancel made in this process sets the flag at once, and the
  conductor's periodic check (``[async_api_conductor]
  cancel_poll_interval``: one read for all the tasks this process runs)
  sets it for requests made elsewhere, so that a long step that polls
  (waits for hardware, say) can give up early by calling
  :func:`check_cancel` (``async_api.check_cancel(task_uuid)``), which
  reads only the flag.

Why not something else: TaskFlow's notifier swallows a listener's
exceptions, so a listener cannot fail a step; ``engine.suspend()`` stops
the run without reverting it (a suspended job is resumed, not undone); a
base class for steps would need every service's flows to use it. Patching
``pre_execute`` of the atoms of an engine's own compiled flow (built
afresh per run by the flow factory) needs nothing from the flows. A step
already running is not interrupted here: it ends on its own (or by its
deadline), and the next one does not start.
"""

import threading

from oslo_log import log
from taskflow import task as tf_task

LOG = log.getLogger(__name__)

#: The error code of a task ended by a cancel.
CANCELLED = 'cancelled'


class TaskCancelled(Exception):
    """A step refused to start: its task was cancelled.

    Its ``code`` (``cancelled``) becomes the task's error code, and makes
    the reverted task ``cancelled`` rather than ``failed``.
    """

    code = CANCELLED


class _Run:
    __slots__ = ('stopped', 'reason')

    def __init__(self):
        self.stopped = threading.Event()
        self.reason = None


_LOCK = threading.Lock()
_RUNS = {}


def running(task_uuid):
    """Register a task this process starts running; returns a token.

    Give the token to :func:`done` when the run ends. A task run twice
    here at once (it cannot be, the claim epoch fences one) shares one
    flag.
    """
    with _LOCK:
        run = _RUNS.get(task_uuid)
        if run is None:
            run = _RUNS[task_uuid] = _Run()
        return run


def done(task_uuid, token):
    """Forget a run that ended (see :func:`running`)."""
    with _LOCK:
        if _RUNS.get(task_uuid) is token:
            del _RUNS[task_uuid]


def running_tasks():
    """The tasks this process runs, whose flag is not set yet."""
    with _LOCK:
        return [uuid for uuid, run in _RUNS.items()
                if not run.stopped.is_set()]


def stop(task_uuid, reason):
    """Set the task's flag if this process runs it; True if it does."""
    with _LOCK:
        run = _RUNS.get(task_uuid)
    if run is None:
        return False
    if not run.stopped.is_set():
        run.reason = reason
        run.stopped.set()
        LOG.info('Task %s stops at its next step: %s', task_uuid, reason)
    return True


def stopping(task_uuid):
    """Whether this process's run of the task has been asked to stop."""
    with _LOCK:
        run = _RUNS.get(task_uuid)
    return run is not None and run.stopped.is_set()


def check_cancel(task_uuid):
    """Raise :class:`TaskCancelled` if the task's run must stop.

    Reads only this process's flag (no database read), so a step may call
    it as often as it likes, in a polling loop for example. The library
    calls it before every step of a flow a conductor runs.
    """
    with _LOCK:
        run = _RUNS.get(task_uuid)
    if run is not None and run.stopped.is_set():
        raise TaskCancelled(run.reason or 'Task %s was cancelled'
                            % task_uuid)


def guard(engine, task_uuid):
    """Make every task atom of ``engine``'s flow check the task's flag.

    Compiles the engine (TaskFlow does it only once). Only the atoms of
    this engine's flow, built for this run, are changed.
    """
    engine.compile()
    for atom in engine.compilation.execution_graph.nodes:
        if isinstance(atom, tf_task.Task):
            atom.pre_execute = _pre_execute(atom.pre_execute, task_uuid)


def _pre_execute(original, task_uuid):
    def pre_execute():
        check_cancel(task_uuid)
        original()
    return pre_execute
