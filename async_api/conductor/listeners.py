"""Engine listeners that report a running flow into the task table.

:class:`TaskReporter` turns TaskFlow notifications into task state::

    flow RUNNING                 task running (attempt + 1, started_at)
    atom RUNNING/REVERTING/...   one task event each; task step, progress
    first atom REVERTING         task reverting
    retry RETRYING               task running again
    a step's report_retry        one task event (the step retries a call)
    flow SUCCESS                 task succeeded (result: the flow's 'result')
    flow REVERTED                task failed, or cancelled if a cancel
                                 request was the cause
    flow FAILURE                 task error (a revert failed); the resource
                                 is marked by its type's ``mark_error``
                                 hook (:mod:`async_api.resources`)
    flow SUSPENDED               nothing: the job is abandoned and resumed

A step's start is reported only while the task has no cancel request;
when that write is refused the run is told to stop before the step
(:mod:`async_api.tasks.boundary`), which then fails with the
``cancelled`` code, and the flow reverts.

On a serial engine the reports of quiet transitions (the flow's start,
a step's end, the start of a step that acts on nothing: ``quiet_start``)
commit with the next transition's, see
:attr:`TaskReporter.holds_quiet_transitions`. Every write is fenced by
the claim epoch the conductor took the task up with
(:func:`async_api.db.tasks.claim_task`): once another conductor has taken
the task up, the write is refused, and the reporter stops its engine at
the next step boundary and writes nothing more. After the terminal
write, ``on_finish`` (the conductor's) moves the task's lanes on.

Outages do not fail tasks. A step that fails because the database, the
board or the persistence backend is unreachable
(:func:`async_api.common.outages.is_outage`) is not reported as failed:
the reporter suspends the engine at that failure, before TaskFlow can
schedule a single revert, and after the run the conductor puts the step
back as it was before it ran (:meth:`TaskReporter.repair`) and abandons
the job; the next claim runs the step again. TaskFlow's engine reverts on
any failure of a step's ``execute``, and its retry controllers revert
their subflow before a retry: suspending at the atom's FAILURE is the one
place to stop that without changing the flows. A step's start that cannot
be reported for an outage suspends the engine too (the step may still run
once, unreported: TaskFlow schedules it before telling listeners, and
steps are idempotent), and so does the flow's start. However the flow
then ends, a run that met an outage reports no outcome.

The outcome is decided from the flow's own final state, so it is the same
whichever conductor finishes the job. TaskFlow's notifier swallows
exceptions of listeners: this one remembers that its terminal write failed
(:attr:`TaskReporter.report_failed`) so the conductor leaves the job on the
board for another attempt rather than consuming it unreported.
"""

import json
import time

from oslo_log import log
from oslo_utils import timeutils
from taskflow import atom as tf_atom
from taskflow.engines.action_engine import engine as action_engine
from taskflow.listeners import base as listener_base
from taskflow import states as tf_states
from taskflow import task as tf_task
from taskflow.types import failure as tf_failure

from async_api.common import exception
from async_api.common import outages
from async_api.db import deferred
from async_api.db import engine as db_engine
from async_api.db import cancels as db_cancels
from async_api.db import tasks as db_tasks
from async_api import resources
from async_api.common import states
from async_api.tasks import boundary
from async_api.tasks import cancel
from async_api.tasks import failures as task_failures

LOG = log.getLogger(__name__)

#: Name of the flow symbol whose value becomes the task's result.
RESULT_SYMBOL = 'result'

_EVENT_STATES = {
    tf_states.RUNNING: states.STEP_STARTED,
    tf_states.SUCCESS: states.STEP_SUCCEEDED,
    tf_states.FAILURE: states.STEP_FAILED,
    tf_states.REVERTING: states.STEP_REVERTING,
    tf_states.REVERTED: states.STEP_REVERTED,
    tf_states.REVERT_FAILURE: states.STEP_FAILED,
    tf_states.RETRYING: states.STEP_RETRYING,
}

# States a task may be in while a conductor works on it.
_WORKING = (states.PENDING, states.RUNNING, states.REVERTING)

# Atom transitions after which the step acts on the world (runs, reverts,
# or a retry reverts its subflow): reported in a transaction of their own,
# committed before it does.
_ACTING = (tf_states.RUNNING, tf_states.REVERTING, tf_states.RETRYING)


def _jsonable(value):
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)[:255]
    return value


class TaskReporter(listener_base.Listener):
    """Reports one engine's flow into one task row.

    :param engine: the engine running the task's flow.
    :param task_uuid: the task the flow works for.
    :param host: written on every event (``[DEFAULT]host``).
    :param claim: a :class:`~async_api.conductor.heartbeat.Claim`; once
        the claim is lost, nothing more is written (the new owner reports).
    :param fence: the task's claim epoch for this run; every write is
        conditional on it. None writes unfenced (tests, tools).
    :param on_finish: called with the task row after its terminal write.
    :param attempt: the number of this run of the task (the task's
        ``attempt`` once this run has started), written into every step
        event's details so that a step run again after a crash or a
        handover shows as a second run. None: not written.

    .. attribute:: holds_quiet_transitions

       True on a serial engine: there, the flow's start and a step's end
       (success, failure, reverted) are followed by nothing but the
       engine's own bookkeeping up to the next transition, so their
       reports are held (:mod:`async_api.db.deferred`) and commit with
       the next one; so is a retry controller's start, which acts on
       nothing, and the start of a step whose ``quiet_start`` is True
       (it reads, and holds its writes: ``async_api.hold_write``).
       Another step's start, a revert and a retry are committed before
       the step acts, and the flow's end before the job is consumed. A
       parallel engine may wait on other steps after one ends, so there
       every transition commits at once.
    """

    def __init__(self, engine, task_uuid, host=None, claim=None,
                 fence=None, on_finish=None, attempt=None,
                 finish_write=None):
        super().__init__(engine)
        #: ``(write, on_commit)``: ``write(connection)`` is made in the
        #: transaction of the task's final report, ``on_commit()`` called
        #: once it committed (the conductor consumes the job so); never
        #: without that report, even if it fails.
        self.finish_write = finish_write
        self.attempt = attempt
        self.task_uuid = task_uuid
        self.host = host
        self.claim = claim
        self.fence = fence
        self.on_finish = on_finish
        self.fenced_off = False
        self.outcome = None
        self.report_failed = False
        self.atoms_started = False
        self.holds_quiet_transitions = isinstance(
            engine, action_engine.SerialActionEngine)
        self._atom_names = None
        self._quiet_starts = frozenset()
        # (percent last written for a step's own report, when the next
        # may be written).
        self._step_progress = (-1, 0.0)
        self._first_failure = None
        self._revert_failure = None
        self._request_id_read = None
        #: ``(step, error)`` of the outage that suspended the run, if any.
        self.outage = None
        self._before_outage = None

    # Helpers ------------------------------------------------------------

    def _lost(self):
        return self.fenced_off or (self.claim is not None
                                   and self.claim.lost)

    def _fence_refused(self, error):
        """Another conductor took the task up: stop, write nothing more."""
        if self.fenced_off:
            return
        self.fenced_off = True
        # The flow's own saves held for this report go too.
        deferred.discard(db_engine.current().engine)
        reason = 'task writes are fenced off: %s' % error
        if self.claim is not None:
            self.claim.mark_lost(reason)
            return
        LOG.warning('Stopping the engine of task %s: %s', self.task_uuid,
                    reason)
        try:
            self._engine.suspend()
        except Exception:
            LOG.exception('Could not suspend the engine of task %s',
                          self.task_uuid)

    def _suspend_for_outage(self, step, error):
        """A backend is away: stop at the next boundary, fail nothing."""
        if self.outage is not None:
            return
        self.outage = (step, error)
        LOG.warning('Suspending task %s: a backend is unavailable (%s): '
                    '%s; its job is left for another attempt',
                    self.task_uuid, step or 'flow', error)
        try:
            self._engine.suspend()
        except Exception:
            LOG.exception('Could not suspend the engine of task %s',
                          self.task_uuid)

    def repair(self):
        """Undo what the outage's failure did to the flow's storage.

        The failed step goes back to pending and every atom whose
        intention TaskFlow changed to resolve the failure (revert, retry)
        gets the one it had before, so the next run executes the step
        again instead of reverting. Written through the engine's storage:
        inside :func:`async_api.db.deferred.holding` with the run's last
        transaction, else at once.
        """
        if self._before_outage is None:
            return
        storage = self._engine.storage
        step = self.outage[0]
        before = self._before_outage
        now = storage.get_atoms_states(list(before))
        for name, (state, intention) in before.items():
            if name == step:
                storage.reset(name)
            if now[name][1] != intention:
                storage.set_atom_intention(name, intention)
        self._before_outage = None

    def _atoms(self):
        if self._atom_names is None:
            graph = self._engine.compilation.execution_graph
            atoms = [node for node in graph.nodes
                     if isinstance(node, tf_atom.Atom)]
            self._quiet_starts = frozenset(
                atom.name for atom in atoms
                if getattr(atom, 'quiet_start', False) is True)
            self._atom_names = [atom.name for atom in atoms]
        return self._atom_names

    def _progress(self, share=0.0):
        """Percent of the flow's atoms finished, plus ``share`` of one."""
        names = self._atoms()
        if not names:
            return 0
        found = self._engine.storage.get_atoms_states(names)
        done = sum(1 for state, _intention in found.values()
                   if state == tf_states.SUCCESS)
        return int(100 * (done + share) / len(names))

    #: Seconds between two writes of a running step's own progress.
    STEP_PROGRESS_INTERVAL = 1.0

    def step_progress(self, name, fraction):
        """A running step reported how far it got (TaskFlow's
        ``update_progress``, 0.0 to 1.0): the task's ``progress`` counts
        that share of the step beside the finished ones.

        Written at once (a long step is when it matters), at most once
        per :attr:`STEP_PROGRESS_INTERVAL`, only when the percentage
        grows, with no step event.
        """
        if not self._atoms() or self._lost():
            return
        progress = self._progress(min(max(float(fraction), 0.0), 1.0))
        now = time.monotonic()
        if (progress <= self._step_progress[0]
                or now < self._step_progress[1]):
            return
        self._step_progress = (progress,
                               now + self.STEP_PROGRESS_INTERVAL)
        self._update({'progress': progress})

    def step_retrying(self, name, error, attempt, delay):
        """Step ``name`` retries a call inside itself after ``error``
        (:func:`async_api.conductor.deadlines.report_retry`).

        One ``retrying`` event of the step, committed before the step
        waits ``delay`` seconds and makes attempt ``attempt``: the
        error's code and the message a client may see, as for a failure.
        """
        details = self._event_details(tf_states.RETRYING)
        details.update(retry=attempt, delay=delay)
        details.update(task_failures.describe(error, self._request_id()))
        event = self._event(name, states.STEP_RETRYING, details)
        # Like a progress report, best effort: an error here is logged by
        # the caller and the step goes on.
        self._update({'step': name}, event=event)

    def _event_details(self, atom_state):
        # Every step event says which run of the task it belongs to.
        details = {'atom_state': atom_state}
        if self.attempt is not None:
            details['attempt'] = self.attempt
        return details

    def _event(self, name, state, details, traceback=None):
        return {'event': name, 'state': state, 'host': self.host,
                'details': details, 'traceback': traceback}

    def _update(self, values, expected=_WORKING, event=None,
                fallback=None, hold=False, unless_cancelled=False):
        """One fenced transaction: ``values`` (and ``event``, if any).

        :param hold: the transition may wait for the next one's
            transaction (see :attr:`holds_quiet_transitions`).
        :returns: the :class:`~async_api.db.tasks.Report`, false if the
            row was not changed, None if held (nothing at all is written
            once the claim is lost or fenced off).
        """
        if self._lost():
            LOG.warning('Not reporting %s to task %s: the claim on its job '
                        'was lost', values.get('state'), self.task_uuid)
            return None
        try:
            return db_tasks.report(self.task_uuid, values,
                                   expected_states=expected,
                                   fence=self.fence, event=event,
                                   fallback=fallback,
                                   hold=hold and self.holds_quiet_transitions,
                                   unless_cancelled=unless_cancelled)
        except db_tasks.FencedOff as e:
            self._fence_refused(e)
            return None

    # Atoms --------------------------------------------------------------

    def _task_receiver(self, state, details):
        self._atom_event(state, details['task_name'], details, step=True)

    def _retry_receiver(self, state, details):
        self._atom_event(state, details['retry_name'], details)

    def _atom_event(self, state, name, details, step=False, resumed=False):
        event_state = _EVENT_STATES.get(state)
        if event_state is None or self._lost():
            return
        result = details.get('result')
        if (state == tf_states.FAILURE
                and isinstance(result, tf_failure.Failure)
                and outages.is_outage(result.exception)):
            # Before the completer decides to revert: what it changes
            # is put back by repair().
            names = self._atoms()
            self._before_outage = {
                n: (tf_states.PENDING, intention) if n == name
                else (st, intention) for n, (st, intention)
                in self._engine.storage.get_atoms_states(names).items()}
            self._suspend_for_outage(name, result.exception_str)
            return
        event_details = self._event_details(state)
        if resumed:
            event_details['resumed'] = True
        traceback = None
        if isinstance(result, tf_failure.Failure):
            # What a client may see; the whole text goes to the log.
            event_details.update(task_failures.describe(
                result, self._request_id()))
            if state in (tf_states.FAILURE, tf_states.REVERT_FAILURE):
                task_failures.log_detail(result, self.task_uuid, name,
                                         self._request_id())
            traceback = result.traceback_str
            if state == tf_states.FAILURE and self._first_failure is None:
                self._first_failure = (name, result)
            elif state == tf_states.REVERT_FAILURE:
                event_details['phase'] = 'revert'
                if self._revert_failure is None:
                    self._revert_failure = (name, result)
        elif state == tf_states.SUCCESS and result is not None:
            event_details['result'] = _jsonable(result)
        event = self._event(name, event_state, event_details, traceback)
        # The event and the row change it implies commit together: one
        # transaction per step transition.
        values, expected, fallback = {}, _WORKING, None
        if state == tf_states.RUNNING:
            self.atoms_started = True
            values = {'step': name}
        elif state == tf_states.REVERTING:
            # The first revert moves the task on; later ones only the step.
            values = {'state': states.REVERTING, 'step': name}
            expected = (states.RUNNING,)
            fallback = ({'step': name}, _WORKING)
        elif state == tf_states.RETRYING:
            # A retry controller undid its subflow to run it again: the
            # task is running again, not on its way to failed.
            values = {'state': states.RUNNING, 'step': name}
            expected = (states.REVERTING,)
            fallback = ({'step': name}, _WORKING)
        # A step's start is written only while no cancel is requested: a
        # refusal is how the run learns it must stop (async_api.tasks.
        # boundary), before the step acts. Not a quiet start held for
        # later: its step runs first all the same, and the write it joins
        # (the next start, or the flow's end) decides.
        starts = step and state == tf_states.RUNNING
        hold = self._quiet(state, step, name)
        # Looked up for a step's start only: every transition comes here.
        refusable = starts and not (
            hold and self.holds_quiet_transitions
            and deferred.is_holding(db_engine.current().engine))
        try:
            if state == tf_states.SUCCESS:
                values = {'progress': self._progress()}
            written = self._update(values, expected, event=event,
                                   fallback=fallback, hold=hold,
                                   unless_cancelled=refusable)
            if starts and written is not None and not written:
                self._stop_before(name)
        except Exception as e:
            if outages.is_outage(e):
                # Not worth running on unreported: stop and try again.
                self._suspend_for_outage(name, e)
                return
            # Best effort: a report lost for another reason must not stop
            # the flow.
            LOG.exception('Could not record step %s/%s of task %s',
                          name, event_state, self.task_uuid)

    def _quiet(self, state, step, name):
        """Whether an atom's transition may commit with the next one.

        A retry controller's start acts on nothing (it counts attempts and
        waits out its backoff), nor does that of a step that says so
        (``quiet_start``): the next acting transition commits it. Every
        other acting transition commits before the atom acts.
        """
        if state == tf_states.RUNNING:
            # _atoms() reads the steps' quiet_start once a run.
            return not step or (bool(self._atoms())
                                and name in self._quiet_starts)
        return state not in _ACTING

    def _stop_before(self, name):
        """The task was cancelled (or ended): step ``name`` must not run."""
        details = db_cancels.cancel_details(self.task_uuid)
        if details is not None:
            reason = '%s before step %s' % (cancel.message(details), name)
        else:
            reason = ('Task %s is no longer active; step %s did not start'
                      % (self.task_uuid, name))
        boundary.stop(self.task_uuid, reason)

    # Flow ---------------------------------------------------------------

    def _flow_receiver(self, state, details):
        if self.outage is not None and state in (tf_states.REVERTED,
                                                 tf_states.FAILURE):
            # No verdict: the run met an outage, so its job is left for
            # another attempt whatever the flow says. TaskFlow calls a
            # suspended flow "reverted" when a retry controller took its
            # failed step over, though no revert ran; a revert may fail
            # for the outage itself. The next attempt decides (TaskFlow
            # starts a reverted flow over).
            LOG.info('Task %s: flow %s after an outage is not its '
                     'outcome; its job is left for another attempt',
                     self.task_uuid, state)
            return
        try:
            if state == tf_states.RUNNING:
                self._started()
            elif state == tf_states.SUCCESS:
                self._finish(states.SUCCEEDED, result=self._result())
            elif state == tf_states.REVERTED:
                error = self._error()
                final = (states.CANCELLED if error['code'] == 'cancelled'
                         else states.FAILED)
                self._finish(final, error=error)
            elif state == tf_states.FAILURE:
                error = self._error()
                # The resource first: whoever sees the task's 'error' must
                # find the resource marked.
                self._mark_resource_error(error['message'])
                self._finish(states.ERROR, error=error)
        except Exception as e:
            if state in (tf_states.SUCCESS, tf_states.REVERTED,
                         tf_states.FAILURE):
                self.report_failed = True
            elif state == tf_states.RUNNING and outages.is_outage(e):
                self._suspend_for_outage(None, e)
            LOG.exception('Could not report flow state %s of task %s',
                          state, self.task_uuid)

    def _started(self):
        now = timeutils.utcnow()
        # Held for the first step's start, which follows at once.
        self._update(hold=True, values={
            'state': states.RUNNING,
            'attempt': db_tasks.INCREMENT,
            # The operation's timeout counts from the first start.
            'started_at': db_tasks.IfUnset(now),
            'error': None,
        })
        if self.attempt is None or self.attempt > 1:
            for name, state in self._interrupted():
                self._atom_event(state, name, {}, step=True, resumed=True)

    def _interrupted(self):
        """Steps an earlier run left running that this run starts again.

        TaskFlow runs them again first thing, but says nothing when the
        step reported no progress: going from RUNNING (or REVERTING) to
        the same state at progress 0 is an "identity transition" it does
        not notify. Their new start is reported here instead, so that
        each run of a step shows in the events.
        """
        graph = self._engine.compilation.execution_graph
        names = [node.name for node in graph.nodes
                 if isinstance(node, tf_task.Task)]
        if not names:
            return []
        storage = self._engine.storage
        found = storage.get_atoms_states(names)
        return [(name, state) for name, (state, _intention) in found.items()
                if state in (tf_states.RUNNING, tf_states.REVERTING)
                and storage.get_task_progress(name) == 0.0]

    def _result(self):
        try:
            return _jsonable(self._engine.storage.fetch(RESULT_SYMBOL))
        except Exception:
            # The flow provides no result: that is fine.
            return None

    def _error(self):
        if self._first_failure is None:
            # Resumed while reverting: the failure is in storage.
            failures = self._engine.storage.get_execute_failures()
            if failures:
                self._first_failure = next(iter(failures.items()))
        return task_failures.describe_run(
            self._first_failure, self._revert_failure,
            None if self._first_failure is None else self._request_id())

    def _request_id(self):
        """The id of the request that asked for the task (read once)."""
        if self._request_id_read is None:
            try:
                self._request_id_read = (
                    db_tasks.get_task(self.task_uuid).request_id or '')
            except Exception:
                # Only a pointer into the log: not worth failing over.
                LOG.warning('Could not read the request id of task %s',
                            self.task_uuid, exc_info=True)
                return None
        return self._request_id_read or None

    def _finish(self, state, result=None, error=None):
        values = {'state': state, 'finished_at': timeutils.utcnow(),
                  'result': result, 'error': error}
        if state == states.SUCCEEDED:
            values['progress'] = 100
        self.outcome = state
        task = self._update_with_finish_write(values)
        if not task:
            # None: the claim was lost, and the new owner reports. A false
            # report: the row was not changed, because the task had left
            # the working states (cancelled, or finished by another run).
            if task is not None:
                LOG.warning('Task %s was no longer active when its flow '
                            'ended (%s)', self.task_uuid, state)
            return
        if self.on_finish is not None:
            self.on_finish(task)

    def _update_with_finish_write(self, values):
        """:meth:`_update` of the final report, with :attr:`finish_write`."""
        if self.finish_write is None:
            return self._update(values)
        bind, key = db_engine.current().engine, ('finish', self.task_uuid)
        write, on_commit = self.finish_write
        deferred.put(bind, key, write, on_commit=on_commit)
        try:
            return self._update(values)
        finally:
            # Still held if the report was not written: it must not be
            # written without it.
            deferred.drop(bind, key)

    def _mark_resource_error(self, message):
        if self._lost():
            return
        task = db_tasks.get_task(self.task_uuid)
        hooks = resources.get(task.resource_type)
        if hooks is None or hooks.mark_error is None:
            LOG.error('Task %s left %s %s needing an operator: %s',
                      self.task_uuid, task.resource_type,
                      task.resource_uuid, message)
            return
        try:
            hooks.mark_error(task.resource_uuid, message)
        except exception.NotFound:
            LOG.warning('%s %s vanished while task %s failed',
                        task.resource_type, task.resource_uuid,
                        self.task_uuid)
