"""Deadlines that hold while a step runs.

An operation has a timeout (:attr:`Operation.timeout
<async_api.operations.registry.Operation.timeout>`, counted from the
task's first start) and may have a per-step one
(:attr:`~async_api.operations.registry.Operation.step_timeout`, or a
``step_timeout`` attribute on the step itself, which wins). Both are
enforced *while* the step runs, not only between steps:

* a step's ``execute`` may run until the earlier of its own deadline and
  the operation's; past it the step fails with code ``step_timeout`` (or
  ``operation_timeout`` when the operation's deadline came first) and the
  flow reverts as after any failure. A step that would start after the
  operation's deadline fails at once, without running;
* a step's ``revert`` gets a deadline of its own (its ``step_timeout``,
  else the operation's whole ``timeout`` again, since the operation's time
  may be spent already): a revert that never returns fails with
  ``step_timeout`` and the task ends in ``error``, not in a hang.

How: the engines' task executors are replaced (:class:`SerialExecutor`,
:class:`ParallelExecutor`, used by :func:`load_engine`) so that each step
runs on a daemon thread of :class:`StepThreads` while the engine's own
thread (or, on the parallel engine, the pool thread) waits for it with a
deadline. Past the deadline the waiter stops waiting and hands the engine
a failure; the step's thread is left behind to end whenever its call does
(a daemon: it never holds up the process's exit), exactly as the
bare-metal drivers already leave an abandoned BMC call. Retry controllers
(:class:`taskflow.retry.Retry`) still run in the engine's thread: they
decide, they should not wait on anything.

Why an executor, and not the whole engine on a thread watched from
outside: TaskFlow can only revert a step from the engine that runs it,
and only when that step's future completes. Completing the future with a
failure at the deadline makes the engine revert exactly as for any other
failure (same events, same error, same resume after a crash), with no
second engine writing the same flow's progress. The cost is one thread
hand-off per step execute or revert, on threads kept idle and reused:
about 30 µs when nothing else runs, but up to a GIL switch interval
(5 ms) when other threads of the process are busy, since the woken
thread waits for the GIL (doc/source/admin/benchmarks.rst has the
figures). Trivial steps pay it most; steps that wait on hardware do not
notice.

A step that retries a call inside itself (a BMC call that timed out,
say) tells the conductor with :func:`report_retry` from its own thread;
like its progress reports, the retry is handed to the waiting thread,
which records it as a ``retrying`` event of the step
(:attr:`RunDeadlines.on_retry`). So is a write a step asks to have
committed with its end (:func:`hold_write`, :attr:`RunDeadlines.on_hold`).

Shutdown (:meth:`RunDeadlines.abandon`) makes the waiter give up at once
by raising :class:`StepAbandoned`, a ``BaseException``: TaskFlow's engines
and conductors catch ``Exception`` to record a failure, and a step given
up for a shutdown did not fail; its flow must stay as a crash would leave
it (the step running), so that the next owner runs it again.
"""

import functools
import queue
import sys
import threading
import time

from oslo_log import log
from oslo_utils import timeutils
from taskflow.engines.action_engine import executor as tf_executor
from taskflow.types import failure as tf_failure

from async_api.common import exception
from async_api.conductor import engines
from async_api.operations import registry

LOG = log.getLogger(__name__)

#: Attribute of a step (a TaskFlow task) that overrides its operation's
#: ``step_timeout``: seconds, or None for no per-step limit.
STEP_TIMEOUT_ATTRIBUTE = 'step_timeout'

_UNSET = object()


class StepTimedOut(Exception):
    """A step's execute or revert ran past its own deadline."""

    code = 'step_timeout'


class OperationTimedOut(Exception):
    """A step ran, or would start, past its operation's deadline."""

    code = 'operation_timeout'


class StepAbandoned(BaseException):
    """The service gave up waiting for a step because it is stopping.

    A ``BaseException`` so that TaskFlow does not record it as the step's
    failure: the flow stays as a crash would leave it.
    """


# The call a step thread runs now, for report_retry() and hold_write().
_STEP = threading.local()


def report_retry(error, attempt, delay):
    """Record that the running step retries a call inside itself.

    For a step that retries a failed call itself (rather than through a
    TaskFlow retry controller, which reverts the step before running it
    again): call it from the step, before waiting ``delay`` seconds and
    making attempt number ``attempt`` (2 for the first retry). The
    conductor running the task records a ``retrying`` event of the step
    with the error's code and safe message, fenced like every report.

    :returns: whether a conductor will record it; False outside one (a
        flow run by a plain TaskFlow engine, in a test say).
    """
    call = getattr(_STEP, 'call', None)
    if call is None or call.on_retry is None:
        return False
    call.report(call.on_retry, error, attempt, delay)
    return True


def hold_write(write):
    """Have ``write(connection)`` committed with the running step's end.

    For a step's writes to the service's own database
    (``async_api.database()``) that others need to see only once the step
    is over: its last writes, or every write of a step that does nothing
    but database work. Where the conductor can, the write runs in the
    transaction that records the step's end (with the start of the step
    after it, or the flow's end), whether the step returned or raised,
    and fenced by the run's claim like the reports: a conductor that lost
    the task writes nothing. The writes of a step given up (past its
    deadline, or the service stopping) are dropped with its outcome. One
    transaction less for each.

    :returns: True if the conductor holds the write; False where it
        cannot (outside a conductor's step, on TaskFlow's parallel engine,
        with persistence on another database): the caller then writes at
        once itself.
    """
    call = getattr(_STEP, 'call', None)
    if call is None or call.on_hold is None:
        return False
    call.hold(write)
    return True


def waiting_after():
    """Seconds after which a step that has not returned is waiting.

    One interpreter switch interval (5 ms unless changed): a step that
    computes, even one kept from the interpreter lock by busy threads,
    gets the lock back within that; one still out after it most likely
    waits on hardware, a lock or a sleep.
    """
    return sys.getswitchinterval()


class _Call:
    """One step's call, handed to a :class:`StepThreads` thread.

    The step's progress reports (TaskFlow's ``update_progress``) are
    handed to the waiting thread, which applies them: TaskFlow's serial
    engine holds its storage's write lock while it waits for a step, so a
    report saved from the step's own thread would wait for that lock
    until the step's deadline (for ever without one).
    """

    __slots__ = ('function', 'args', 'kwargs', 'outcome', 'error',
                 '_done', '_guard', '_over', '_signalled', '_reports',
                 'abandoned', 'on_retry', 'on_hold', 'held')

    def __init__(self, function, args, kwargs):
        self.function = function
        self.args = args
        self.kwargs = kwargs
        self.outcome = None
        self.error = None
        self.abandoned = False
        #: What :func:`report_retry` hands the waiter (None: not a step's
        #: execute, or nobody records retries).
        self.on_retry = None
        #: What :func:`hold_write` hands the waiter (None: it cannot hold).
        self.on_hold = None
        #: Writes the step held, for the waiter once the call has ended.
        self.held = []
        # Locked until the call ends, is given up or reports progress:
        # acquiring a lock with a timeout is the cheapest wait the
        # standard library has.
        self._done = threading.Lock()
        self._done.acquire()
        self._guard = threading.Lock()
        self._over = False
        self._signalled = False
        self._reports = []

    def run(self):
        _STEP.call = self
        try:
            self.outcome = self.function(*self.args, **self.kwargs)
        except BaseException as e:
            self.error = e
        finally:
            _STEP.call = None
        self.function = self.args = self.kwargs = None
        self._end()

    def _signal(self):
        # Under self._guard. Released at most once until the waiter wakes.
        if not self._signalled:
            self._signalled = True
            self._done.release()

    def _end(self):
        with self._guard:
            if self._over:
                return
            self._over = True
            self._signal()

    def give_up(self):
        """Wake the waiter now (shutdown): :meth:`wait` returns False."""
        self.abandoned = True
        self._end()

    def report(self, callback, *args, **kwargs):
        """From the step's thread: have the waiter call ``callback``.

        Dropped once the call is over for its waiter (ended, given up or
        past its deadline).
        """
        with self._guard:
            if self._over:
                return
            self._reports.append((callback, args, kwargs))
            self._signal()

    def hold(self, write):
        """From the step's thread: keep ``write`` for :attr:`on_hold`.

        Dropped once the call is over for its waiter.
        """
        with self._guard:
            if not self._over:
                self.held.append(write)

    def _acquire(self, deadline):
        if deadline is None:
            return self._done.acquire()
        left = deadline - time.monotonic()
        if left <= 0:
            return self._done.acquire(blocking=False)
        return self._done.acquire(timeout=min(left, threading.TIMEOUT_MAX))

    def wait(self, timeout, on_waiting=None):
        """True if the call ended within ``timeout`` s (None: no limit).

        Progress the step reports meanwhile is applied here, in order.

        :param on_waiting: called once, here, if the call has not ended
            within one interpreter switch interval: it waits (on
            hardware, most often) rather than computes.
        """
        now = time.monotonic()
        deadline = None
        if timeout is not None:
            deadline = now + max(timeout, 0.0)
        soon = None
        if on_waiting is not None:
            soon = now + waiting_after()
        while True:
            if soon is not None and (deadline is None or soon < deadline):
                if not self._acquire(soon):
                    soon = None
                    on_waiting()
                    continue
                woken = True
            else:
                woken = self._acquire(deadline)
            with self._guard:
                if not woken:
                    # Past the deadline: later reports are dropped.
                    self._over = True
                self._signalled = False
                reports, self._reports = self._reports, []
                over = self._over
            for callback, args, kwargs in reports:
                callback(*args, **kwargs)
            if not woken:
                self.abandoned = True
                return False
            if over:
                return not self.abandoned


class StepThreads:
    """Daemon threads that run steps, started as needed and reused.

    There is no upper bound: a thread whose step was abandoned stays busy
    until the step's call returns (perhaps never), and must not starve
    the steps after it. At most ``max_idle`` idle threads are kept: as
    many as a service has workers, or each step past that many would
    start a thread of its own.
    """

    def __init__(self, name='async-api-step', max_idle=128):
        self._name = name
        self._max_idle = max_idle
        self._work = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0
        self._started = 0

    def submit(self, call):
        with self._lock:
            spawn = not self._idle
            if spawn:
                self._started += 1
                number = self._started
            else:
                self._idle -= 1
        self._work.put(call)
        if spawn:
            threading.Thread(target=self._serve, daemon=True,
                             name='%s-%d' % (self._name, number)).start()

    def _serve(self):
        while True:
            call = self._work.get()
            call.run()
            del call
            with self._lock:
                if self._idle >= self._max_idle:
                    return
                self._idle += 1


_THREADS = StepThreads()


def _failure(exc):
    return tf_failure.Failure.from_exception(exc)


class RunDeadlines:
    """The deadlines of one run of one task's flow.

    :param operation_deadline: ``time.monotonic()`` value past which no
        step may run (the operation's timeout); None for no limit.
    :param operation_timeout: the operation's timeout in seconds (for
        messages, and the default deadline of a revert).
    :param step_timeout: the operation's per-step timeout (None: none).
    """

    def __init__(self, operation_deadline=None, operation_timeout=None,
                 step_timeout=None, threads=None):
        self.operation_deadline = operation_deadline
        self.operation_timeout = operation_timeout
        self.step_timeout = step_timeout
        self._threads = threads or _THREADS
        #: Called as ``on_progress(step_name, fraction)`` after a step's
        #: progress report was saved, in the thread that waits for the
        #: step; its errors are logged, never raised.
        self.on_progress = None
        #: Called as ``on_retry(step_name, error, attempt, delay)`` when a
        #: step calls :func:`report_retry`, in the thread that waits for
        #: the step; its errors are logged, never raised.
        self.on_retry = None
        #: Called as ``on_hold(write)`` when a step's execute or revert
        #: calls :func:`hold_write`, in the thread that waits for the
        #: step; set only where that thread holds writes for its next
        #: transaction (:mod:`async_api.db.deferred`).
        self.on_hold = None
        #: Called once, with no arguments, when a step of this run has
        #: waited past one interpreter switch interval (it gives the
        #: run's turn back: :mod:`async_api.conductor.busy`); in the
        #: thread that waits for the step.
        self.on_waiting = None
        self._lock = threading.Lock()
        self._calls = set()
        self._abandoned = False

    @classmethod
    def of_run(cls, operation_name, started_at):
        """The deadlines of a run of a task of ``operation_name`` that
        first started at ``started_at`` (None: it starts now); none for an
        operation this process does not know."""
        try:
            operation = registry.get(operation_name)
        except exception.OperationNotFound:
            return cls()
        # The operation's time counts from the task's first start, across
        # resumes; a first run starts now.
        spent = 0.0
        if started_at is not None:
            spent = (timeutils.utcnow() - started_at).total_seconds()
        return cls(operation_deadline=(time.monotonic() + operation.timeout
                                       - spent),
                   operation_timeout=operation.timeout,
                   step_timeout=operation.step_timeout)

    @property
    def abandoned(self):
        return self._abandoned

    def abandon(self):
        """Give up every step of this run now and refuse later ones."""
        with self._lock:
            self._abandoned = True
            calls = list(self._calls)
        for call in calls:
            call.give_up()

    def _step_timeout(self, atom):
        value = getattr(atom, STEP_TIMEOUT_ATTRIBUTE, _UNSET)
        return self.step_timeout if value is _UNSET else value

    def execute(self, atom, function, *args, **kwargs):
        """Run ``function`` (an executor's execute of ``atom``) in time."""
        step_timeout = self._step_timeout(atom)
        timeout, code = step_timeout, StepTimedOut
        if self.operation_deadline is not None:
            left = self.operation_deadline - time.monotonic()
            if left <= 0:
                return (tf_executor.EXECUTED, _failure(OperationTimedOut(
                    'Step %s was not started: the operation ran past its '
                    'timeout of %s s' % (atom.name,
                                         self.operation_timeout))))
            if timeout is None or left < timeout:
                timeout, code = left, OperationTimedOut
        outcome = self._run(function, args, kwargs, timeout, atom)
        if outcome is not None:
            return outcome
        if code is OperationTimedOut:
            message = ('Step %s ran past the operation\'s timeout of %s s'
                       % (atom.name, self.operation_timeout))
        else:
            message = ('Step %s did not end within its timeout of %s s'
                       % (atom.name, step_timeout))
        return (tf_executor.EXECUTED, _failure(code(message)))

    def revert(self, atom, function, *args, **kwargs):
        """Run ``function`` (an executor's revert of ``atom``) in time."""
        timeout = self._step_timeout(atom)
        if timeout is None:
            timeout = self.operation_timeout
        outcome = self._run(function, args, kwargs, timeout)
        if outcome is not None:
            return outcome
        return (tf_executor.REVERTED, _failure(StepTimedOut(
            'The revert of step %s did not end within %s s'
            % (atom.name, timeout))))

    def _run(self, function, args, kwargs, timeout, atom=None):
        """The call's outcome, or None when its deadline passed.

        :param atom: the step whose execute this is, for ``on_progress``.
        """
        call = _Call(function, args, kwargs)
        if atom is not None and self.on_retry is not None:
            call.on_retry = functools.partial(self._retrying, atom.name)
        call.on_hold = self.on_hold
        callback = kwargs.get('progress_callback')
        if callback is not None:
            if atom is not None:
                callback = self._telling(atom.name, callback)
            kwargs['progress_callback'] = functools.partial(
                call.report, callback)
        with self._lock:
            if self._abandoned:
                raise StepAbandoned()
            self._calls.add(call)
        try:
            self._threads.submit(call)
            if call.wait(timeout, self.on_waiting and self._waited):
                # Ended, returned or raised: what it held goes with the
                # report of its end.
                for write in call.held:
                    self.on_hold(write)
                if call.error is not None:
                    raise call.error
                return call.outcome
        finally:
            with self._lock:
                self._calls.discard(call)
        if self._abandoned:
            raise StepAbandoned()
        return None

    def _waited(self):
        """A step of this run waits: tell :attr:`on_waiting`, once."""
        on_waiting, self.on_waiting = self.on_waiting, None
        if on_waiting is not None:
            on_waiting()

    def _retrying(self, name, error, attempt, delay):
        try:
            self.on_retry(name, error, attempt, delay)
        except Exception:
            LOG.exception('Could not record the retry of step %s', name)

    def _telling(self, name, callback):
        """``callback`` (TaskFlow's, which saves the report), then
        :attr:`on_progress`."""
        def saved_then_told(event_type, details):
            # TaskFlow's callback takes the value out of the details.
            fraction = details.get('progress')
            callback(event_type, details)
            hook = self.on_progress
            if hook is None or fraction is None:
                return
            try:
                hook(name, fraction)
            except Exception:
                LOG.exception('Could not pass on the progress of step %s',
                              name)
        return saved_then_told


class SerialExecutor(tf_executor.TaskExecutor):
    """TaskFlow's serial task executor, with deadlines.

    Like :class:`taskflow.engines.action_engine.executor.SerialTaskExecutor`
    it returns futures already done, so the serial engine never waits for
    one: the engine's thread waits for the step's thread instead.
    """

    def __init__(self, deadlines):
        self._deadlines = deadlines

    @staticmethod
    def _done(atom, outcome):
        future = tf_executor.futurist.Future()
        future.set_result(outcome)
        future.atom = atom
        return future

    def execute_task(self, task, task_uuid, arguments,
                     progress_callback=None):
        return self._done(task, self._deadlines.execute(
            task, tf_executor._execute_task, task, arguments,
            progress_callback=progress_callback))

    def revert_task(self, task, task_uuid, arguments, result, failures,
                    progress_callback=None):
        return self._done(task, self._deadlines.revert(
            task, tf_executor._revert_task, task, arguments, result,
            failures, progress_callback=progress_callback))


class ParallelExecutor(tf_executor.ParallelThreadTaskExecutor):
    """TaskFlow's parallel thread executor, with deadlines.

    Each pool thread hands its step to a step thread and waits for it with
    the deadline, so a stuck step frees its pool thread too.
    """

    def __init__(self, deadlines, executor=None, max_workers=None):
        super().__init__(executor=executor, max_workers=max_workers)
        self._deadlines = deadlines

    def execute_task(self, task, task_uuid, arguments,
                     progress_callback=None):
        return self._submit_task(
            self._deadlines.execute, task, tf_executor._execute_task, task,
            arguments, progress_callback=progress_callback)

    def revert_task(self, task, task_uuid, arguments, result, failures,
                    progress_callback=None):
        return self._submit_task(
            self._deadlines.revert, task, tf_executor._revert_task, task,
            arguments, result, failures,
            progress_callback=progress_callback)


def load_engine(flow, flow_detail, backend, kind, options, deadlines):
    """A TaskFlow action engine of ``kind`` whose steps keep ``deadlines``.

    :param kind: ``serial`` or ``parallel``.
    :param options: engine options (``executor``: the parallel engine's
        shared pool).
    """
    options = dict(options or {})
    engine = engines.load(flow, flow_detail, backend, kind, options)
    if kind == 'parallel':
        engine._task_executor = ParallelExecutor(
            deadlines, executor=options.get('executor'),
            max_workers=options.get('max_workers'))
    else:
        engine._task_executor = SerialExecutor(deadlines)
    return engine
