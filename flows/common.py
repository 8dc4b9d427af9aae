"""Tasks and helpers shared by the operation flows.

Every flow receives two values in its engine store, put there by the
conductor from the job: ``task_uuid`` (the async_api task row, which holds
the parameters) and ``resource_uuid``. Steps read what they need from the
database rather than from the job, so that secrets never travel through
the jobboard, and must be idempotent: a resumed flow runs the interrupted
step again.

Steps stop at their boundary when the task was cancelled or ran past its
operation's timeout (:func:`check_boundary`); raising there makes the
engine revert what was done, exactly as a failure would.

A flow factory may hand one :class:`RunContext` to all the steps it
builds: the factory runs afresh for every run of a task (first run or
resume), so the context lives exactly as long as one run, and the task
row and the node are read once for the whole run instead of once per
step (the shape of Ironic's ``task_manager.acquire``). (The library
also stops every step from starting once a cancel is requested, see
``async_api.check_cancel``; waits inside a step call that too.)
"""

import datetime
import threading
import time

from oslo_log import log
from oslo_utils import timeutils
from taskflow.patterns import linear_flow
from taskflow import retry

import async_api
from async_api.baremetal import exception as bm_exception
from async_api.baremetal import conf as async_conf
from async_api.baremetal.db import nodes as db_nodes
from async_api.baremetal.drivers import base as driver_base
from flows import atoms

LOG = log.getLogger(__name__)

SYNC_IN_SYNC = 'in_sync'
SYNC_SYNCING = 'syncing'
SYNC_ERROR = 'error'


class OperationError(Exception):
    """A step refused to go on; ``code`` is stable and machine-readable."""

    code = 'step_failed'


class OperationCancelled(OperationError):
    code = 'cancelled'


class OperationTimedOut(OperationError):
    code = 'operation_timeout'


class StepTimedOut(OperationError):
    code = 'step_timeout'


class PreCheckFailed(OperationError):
    """A pre-check inside the flow refused the operation.

    Recorded as the failed step's event and the task's error: only bad
    input is a 400 (the nova async live-migration checks seed).
    """

    code = 'precheck_failed'


class BMCRetry(atoms.Retry):
    """Retry a BMC step on transient driver errors, with backoff.

    Only :class:`~async_api.baremetal.drivers.base.TransientDriverError`
    (a timeout,
    a busy BMC, a dropped connection) is retried: wrong credentials or an
    unsupported request fail at once. Each attempt after the first waits
    ``delay * 2 ** (attempt - 2)`` seconds; every retry is a task event
    (``retrying``). When the attempts are spent the whole flow reverts.
    """

    def __init__(self, name, attempts, delay, **kwargs):
        super().__init__(name=name, **kwargs)
        self.attempts = attempts
        self.delay = delay

    def on_failure(self, history, *args, **kwargs):
        transient = len(history) and history.caused_by(
            driver_base.TransientDriverError, index=-1)
        if transient and len(history) <= self.attempts:
            return retry.RETRY
        return retry.REVERT_ALL

    def execute(self, history, *args, **kwargs):
        attempt = len(history) + 1
        if attempt > 1 and self.delay:
            time.sleep(backoff(self.delay, attempt))
        return attempt


def backoff(delay, attempt):
    """Seconds before attempt number ``attempt`` (2 or more) of a BMC
    step: ``delay``, doubled after each further failure."""
    return delay * 2 ** (attempt - 2)


def bmc_step(step, conf=None):
    """``step`` in a subflow that retries it on transient BMC errors.

    The shape of the flow versions before :func:`bmc_retrying`, kept for
    the jobs they posted. Retries and backoff come from
    ``[hardware]bmc_retries`` and ``bmc_retry_delay`` of the conductor
    that builds the flow; each attempt may run ``[hardware]step_timeout``
    seconds (the conductor abandons it past that: see
    :class:`async_api.Operation`).
    """
    hardware = (conf or async_conf.CONF).hardware
    step.step_timeout = hardware.step_timeout
    subflow = linear_flow.Flow(step.name + '-retry', retry=BMCRetry(
        step.name + '-retry', hardware.bmc_retries,
        hardware.bmc_retry_delay))
    return subflow.add(step)


def bmc_retrying(step, conf=None):
    """``step``, retrying its BMC calls on transient errors by itself.

    A transient error (:class:`~async_api.baremetal.drivers.base.
    TransientDriverError`: a timeout, a busy BMC, a dropped connection)
    runs the step's ``execute`` again, up to ``[hardware]bmc_retries``
    more times, after ``bmc_retry_delay`` seconds doubled each time; each
    retry is a ``retrying`` event of the step
    (:func:`async_api.report_retry`). Other errors fail the step at once.
    The step is not reverted between attempts (its ``execute`` is
    idempotent, as every step's must be): a BMC that timed out is asked
    the same thing again, not first put back where it was, which took
    two more calls to a BMC that was failing. No TaskFlow retry
    controller: two atoms fewer per BMC step for the engine to schedule,
    save and report. ``[hardware]step_timeout`` bounds the attempts
    together.
    """
    hardware = (conf or async_conf.CONF).hardware
    step.step_timeout = hardware.step_timeout
    # This instance's execute only: TaskFlow works out the step's
    # arguments from its class when it is built, and the same classes
    # serve the flow versions that retry through bmc_step().
    step.execute = BMCAttempts(step.name, step.execute,
                               hardware.bmc_retries, hardware.bmc_retry_delay)
    return step


class BMCAttempts:
    """A step's ``execute``, run again on transient BMC errors (see
    :func:`bmc_retrying`)."""

    def __init__(self, name, execute, retries, delay):
        self._name = name
        self._execute = execute
        self._retries = retries
        self._delay = delay

    def __call__(self, *args, **kwargs):
        attempt = 1
        while True:
            try:
                return self._execute(*args, **kwargs)
            except driver_base.TransientDriverError as e:
                if attempt > self._retries:
                    raise
                attempt += 1
                wait = backoff(self._delay, attempt)
                LOG.warning('Step %s failed transiently (%s); attempt %d '
                            'in %.1f s', self._name, e, attempt, wait)
                async_api.report_retry(e, attempt, wait)
                if wait:
                    time.sleep(wait)
                if 'task_uuid' in kwargs:
                    # A cancel stops the step here, not after the BMC
                    # answered once more.
                    async_api.check_cancel(kwargs['task_uuid'])


def _deadline(task_row):
    if task_row.started_at is None:
        return None
    try:
        operation = async_api.get_operation(task_row.operation)
    except async_api.exception.OperationNotFound:
        return None
    return task_row.started_at + datetime.timedelta(
        seconds=operation.timeout)


def check_boundary(task_uuid):
    """Raise if the task must not start another step.

    :raises OperationCancelled: a cancel was requested.
    :raises OperationTimedOut: the operation's timeout has passed since
        the task first started.
    """
    _check_row(async_api.get_task(task_uuid), task_uuid)


def _check_row(task_row, task_uuid):
    if task_row.cancel_requested:
        raise OperationCancelled('Task %s was cancelled' % task_uuid)
    deadline = _deadline(task_row)
    if deadline is not None and timeutils.utcnow() > deadline:
        raise OperationTimedOut('Task %s ran past its operation timeout'
                                % task_uuid)


class RunContext:
    """The task row and the node of one run, read once, shared by its steps.

    Built by a flow factory and handed to the steps of the flow it builds,
    so it never outlives a run: a resumed run (on this conductor or
    another) starts with an empty one and reads afresh. Nothing here is
    saved in the flow's storage, so the node's secrets stay out of it.
    The node is kept as the run last wrote it (:meth:`update_node`): one
    task at a time runs on a node (its lane), so nobody else changes
    what the steps rely on while the run lasts. A cancel requested after
    the read is seen through this process's flag
    (``async_api.check_cancel``), which the conductor sets before a step
    starts.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._task = None
        self._node = None

    def task(self, task_uuid):
        """The task row, read on first use."""
        with self._lock:
            if self._task is None:
                self._task = async_api.get_task(task_uuid)
            return self._task

    def node(self, resource_uuid):
        """The node row, read on first use (or as last written)."""
        with self._lock:
            if self._node is None:
                self._node = db_nodes.get_node(resource_uuid)
            return self._node

    def node_and_driver(self, resource_uuid, driver_name):
        """The node and its driver, as :func:`node_and_driver`."""
        return (self.node(resource_uuid),
                driver_base.get_driver(driver_name))

    def update_node(self, resource_uuid, values):
        """Write ``values`` to the node and keep the row written.

        Under a conductor the write goes with the report of the step's
        end (``async_api.hold_write``): the steps of these flows write
        the node only as they finish, or do nothing else (the node's
        in-progress marks), so nobody needs to see it sooner, and a run
        that lost its task does not write it.
        """
        write, node = db_nodes.deferred_update(self.node(resource_uuid),
                                               values)
        if not async_api.hold_write(write):
            node = db_nodes.update_node(resource_uuid, values)
        with self._lock:
            self._node = node
        return node

    def check_boundary(self, task_uuid):
        """:func:`check_boundary` on the row read once for the run.

        A cancel requested since is seen through this process's flag
        (no read).
        """
        _check_row(self.task(task_uuid), task_uuid)
        try:
            async_api.check_cancel(task_uuid)
        except async_api.TaskCancelled as e:
            raise OperationCancelled(str(e))

    def remaining_time(self, task_uuid):
        """:func:`remaining_time`, from the row read once."""
        return _remaining(self.task(task_uuid))


def remaining_time(task_uuid):
    """Seconds left before the operation's timeout (None: no limit)."""
    return _remaining(async_api.get_task(task_uuid))


def _remaining(task_row):
    deadline = _deadline(task_row)
    if deadline is None:
        return None
    return max(0.0, (deadline - timeutils.utcnow()).total_seconds())


def wait_for_power_state(task_uuid, resource_uuid, driver_name, expected,
                         timeout, interval, context=None):
    """Poll the hardware until it reports ``expected``; returns the state.

    Waits at most ``timeout`` seconds, and never past the operation's own
    timeout. On time out the state seen last is recorded on the node and
    :class:`StepTimedOut` is raised. With ``context`` (a
    :class:`RunContext`) nothing is read from the database.
    """
    if context is None:
        remaining = remaining_time(task_uuid)
        node, driver = node_and_driver(resource_uuid, driver_name)
    else:
        remaining = context.remaining_time(task_uuid)
        node, driver = context.node_and_driver(resource_uuid, driver_name)
    if remaining is not None:
        timeout = min(timeout, remaining)
    deadline = time.monotonic() + timeout
    while True:
        state = driver.power.get_power_state(node)
        if state == expected:
            return state
        # A cancel stops the wait (this process's flag: no read).
        async_api.check_cancel(task_uuid)
        if time.monotonic() >= deadline:
            (context or db_nodes).update_node(resource_uuid,
                                              {'power_state': state})
            raise StepTimedOut(
                'Node %s did not reach power state %s within %.1f s '
                '(it is %s)' % (resource_uuid, expected, timeout, state))
        time.sleep(interval)


def failure_message(flow_failures, request_id=None):
    """One line naming the step that failed first and why.

    Only what a client may see (:func:`async_api.describe_failure`): a
    database error's SQL and parameters stay in the conductor's log,
    beside ``request_id``.
    """
    for name, failure in (flow_failures or {}).items():
        return '%s failed: %s' % (name, async_api.describe_failure(
            failure, request_id)['message'])
    return 'The operation failed'


def _request_id(task_uuid):
    try:
        return async_api.get_task(task_uuid).request_id
    except Exception:
        # Only a pointer into the log: the revert goes on without it.
        LOG.warning('Could not read the request id of task %s', task_uuid,
                    exc_info=True)
        return None


class MarkNodeOnRevert(atoms.Task):
    """First step of a node flow: does nothing, but its revert runs last.

    It runs only once every later step has reverted, so the node is back as
    it was: it clears what the operation marked in progress and records
    why the operation failed. (When a revert itself fails the engine stops
    before this point and the conductor marks the node's ``sync_state``
    ``error`` instead: see :mod:`async_api.conductor.listeners`.)
    """

    def execute(self, resource_uuid, task_uuid):
        pass

    def revert(self, resource_uuid, task_uuid, *args, **kwargs):
        node_reverted(resource_uuid, task_uuid,
                      kwargs.get('flow_failures'))


def node_reverted(resource_uuid, task_uuid, flow_failures):
    """Clear the node's in-progress marks and record why the run failed.

    The revert of a flow's first step (:class:`MarkNodeOnRevert`, or a
    first step that does its work too), which runs once every later step
    has reverted.
    """
    try:
        db_nodes.update_node(resource_uuid, {
            'target_power_state': None,
            'sync_state': SYNC_IN_SYNC,
            'last_error': failure_message(flow_failures,
                                          _request_id(task_uuid)),
        })
    except bm_exception.NodeNotFound:
        LOG.warning('Node %s vanished while task %s reverted',
                    resource_uuid, task_uuid)


class LoadNode(atoms.Task):
    """Check that the node and its driver are usable; claim the node.

    Provides the driver's name (the node row itself is not saved in the
    flow's storage, so nothing stale or secret is: the steps read it
    again, or share it through a :class:`RunContext` given here).
    """

    default_provides = 'driver_name'
    #: The driver interfaces the flow uses, validated before anything.
    interfaces = ('power',)
    #: It reads and validates, and its one write (the node's mark) goes
    #: with the report of its end: its start need not commit before it
    #: runs, and commits with that report (async_api.conductor.listeners).
    quiet_start = True

    def __init__(self, *args, context=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.context = context

    def execute(self, resource_uuid, task_uuid):
        node = self.load(resource_uuid, task_uuid)
        self.mark(resource_uuid, task_uuid, {})
        return node.driver

    def load(self, resource_uuid, task_uuid):
        """Check the boundary; the node once its interfaces validated."""
        if self.context is None:
            check_boundary(task_uuid)
            node = db_nodes.get_node(resource_uuid)
        else:
            self.context.check_boundary(task_uuid)
            node = self.context.node(resource_uuid)
        driver = driver_base.get_driver(node.driver)
        for name in self.interfaces:
            interface = getattr(driver, name, None)
            if interface is None:
                raise PreCheckFailed('Driver %s of node %s has no %s '
                                     'interface' % (node.driver,
                                                    resource_uuid, name))
            interface.validate(node)
        return node

    def mark(self, resource_uuid, task_uuid, values):
        """Record the node in progress (with ``values``: one write)."""
        values = dict(values, last_task_uuid=task_uuid,
                      sync_state=SYNC_SYNCING)
        (self.context or db_nodes).update_node(resource_uuid, values)


def node_and_driver(resource_uuid, driver_name):
    """The node row (fresh) and its driver."""
    return (db_nodes.get_node(resource_uuid),
            driver_base.get_driver(driver_name))
