import fixtures
from oslo_db import exception as db_exc
from sqlalchemy import exc as sqlalchemy_exc
import taskflow.engines
from taskflow.patterns import linear_flow
from taskflow.persistence.backends import impl_memory
from taskflow import retry as retry_base
from taskflow import states as tf_states
from taskflow import task as task_base
from taskflow.types import failure as tf_failure

from async_api.baremetal import exception as bm_exception
from async_api.conductor import listeners
from async_api.db import cancels as db_cancels
from async_api.db import deferred
from async_api.db import engine as db_engine
from async_api.baremetal.db import nodes as db_nodes
from async_api.db import tasks as db_tasks
from async_api.baremetal.drivers import base as driver_base
from async_api.persistence import backend as p_backend
from async_api.tasks import boundary
from async_api.tasks import failures as task_failures
from async_api.tests.unit.flows import base
from flows import common
from flows import power


def _code(failure):
    return task_failures.classify(failure)[0]


class TestErrorCode(base.base.TestCase):

    def _failure(self, error):
        try:
            raise error
        except Exception:
            return tf_failure.Failure()

    def test_codes(self):
        self.assertEqual('driver_error', _code(
            self._failure(driver_base.DriverError('x'))))
        self.assertEqual('node_not_found', _code(
            self._failure(bm_exception.NodeNotFound('x'))))
        self.assertEqual('step_timeout', _code(
            self._failure(common.StepTimedOut('x'))))
        self.assertEqual('step_failed', _code(
            self._failure(KeyError('x'))))

    def test_not_snake_case(self):
        error = ValueError('x')
        error.code = 'Not A Code'
        self.assertEqual('step_failed',
                         _code(self._failure(error)))

    def test_loaded_failure(self):
        # A failure read back from persistence has no exception object:
        # its class, found by name, still has its code.
        loaded = tf_failure.Failure.from_dict(self._failure(
            driver_base.DriverError('x')).to_dict())
        self.assertIsNone(loaded.exception)
        self.assertEqual('driver_error', _code(loaded))


class TestTaskReporter(base.FlowTestCase):

    def run_flow(self, task, claim=None):
        engine = taskflow.engines.load(power.set_power_state_flow_v2(),
                                       store=self.store(task),
                                       engine='serial')
        reporter = listeners.TaskReporter(engine, task.uuid, host='cond-1',
                                          claim=claim)
        with reporter:
            try:
                engine.run()
            except Exception:
                pass
        return reporter

    def events(self, task):
        return [(e.event, e.state) for e in db_tasks.list_events(task.uuid)]

    def test_succeeded(self):
        node = self.make_node()
        task = self.make_task(node, 'on')
        reporter = self.run_flow(task)
        self.assertEqual('succeeded', reporter.outcome)
        task = db_tasks.get_task(task.uuid)
        self.assertEqual('succeeded', task.state)
        self.assertEqual({'power_state': 'on'}, task.result)
        self.assertIsNone(task.error)
        self.assertEqual(100, task.progress)
        self.assertEqual(1, task.attempt)
        self.assertIsNotNone(task.started_at)
        self.assertIsNotNone(task.finished_at)
        events = db_tasks.list_events(task.uuid)
        self.assertEqual({'cond-1'}, {e.host for e in events})
        steps = [name for name, _ in self.events(task)]
        for name in ('power-load-node', 'power-set-state',
                     'power-verify-state'):
            self.assertIn((name, 'started'), self.events(task))
            self.assertIn((name, 'succeeded'), self.events(task))
        # Three steps and the retry controllers of the two BMC steps, each
        # started and succeeded once.
        for name in ('power-set-state-retry', 'power-verify-state-retry'):
            self.assertIn((name, 'started'), self.events(task))
        self.assertEqual(10, len(steps))
        self.assertEqual(('power-verify-state', 'succeeded'),
                         self.events(task)[-1])
        self.assertEqual({'atom_state': 'SUCCESS',
                          'result': {'power_state': 'on'}},
                         events[-1].details)
        self.assertEqual('on', db_nodes.get_node(node.uuid).power_state)

    def test_failing_step_reverts(self):
        node = self.make_node(fake_fail=['set_power_state'])
        task = self.make_task(node, 'on')
        reporter = self.run_flow(task)
        self.assertEqual('failed', reporter.outcome)
        task = db_tasks.get_task(task.uuid)
        self.assertEqual('failed', task.state)
        self.assertEqual('driver_error', task.error['code'])
        self.assertEqual('power-set-state', task.error['step'])
        self.assertIn('Fake failure of set_power_state',
                      task.error['message'])
        self.assertIsNone(task.result)
        events = self.events(task)
        self.assertIn(('power-set-state', 'failed'), events)
        self.assertIn(('power-set-state', 'reverting'), events)
        self.assertIn(('power-set-state', 'reverted'), events)
        self.assertEqual(('power-load-node', 'reverted'), events[-1])
        self.assertNotIn(('power-verify-state', 'started'), events)
        failed = [e for e in db_tasks.list_events(task.uuid)
                  if e.state == 'failed'][0]
        self.assertEqual('driver_error', failed.details['code'])
        self.assertIn('DriverError', failed.traceback)
        node = db_nodes.get_node(node.uuid)
        self.assertEqual('off', node.power_state)
        self.assertEqual('in_sync', node.sync_state)
        self.assertIsNone(node.target_power_state)

    def test_failing_revert(self):
        node = self.make_node(fake_fail=['set_power_state'],
                              fake_fail_revert=True)
        task = self.make_task(node, 'on')
        reporter = self.run_flow(task)
        self.assertEqual('error', reporter.outcome)
        task = db_tasks.get_task(task.uuid)
        self.assertEqual('error', task.state)
        self.assertEqual('driver_error', task.error['code'])
        self.assertEqual('power-set-state', task.error['step'])
        self.assertEqual('power-set-state', task.error['revert_step'])
        self.assertIn('while reverting', task.error['message'])
        failed = [e for e in db_tasks.list_events(task.uuid)
                  if e.state == 'failed']
        self.assertEqual([None, 'revert'],
                         [e.details.get('phase') for e in failed])
        node = db_nodes.get_node(node.uuid)
        self.assertEqual('error', node.sync_state)
        self.assertIn('while reverting', node.last_error)

    def test_cancelled(self):
        node = self.make_node()
        task = self.make_task(node, 'on')
        db_tasks.update_task(task.uuid, {'cancel_requested': True})
        self.run_flow(task)
        task = db_tasks.get_task(task.uuid)
        self.assertEqual('cancelled', task.state)
        self.assertEqual('cancelled', task.error['code'])
        self.assertEqual('off', db_nodes.get_node(node.uuid).power_state)

    def test_verify_timeout(self):
        node = self.make_node(fake_no_effect=True)
        task = self.make_task(node, 'on')
        self.run_flow(task)
        task = db_tasks.get_task(task.uuid)
        self.assertEqual('failed', task.state)
        self.assertEqual('step_timeout', task.error['code'])
        self.assertEqual('power-verify-state', task.error['step'])

    def test_attempt_counts_runs(self):
        node = self.make_node()
        task = self.make_task(node, 'on', attempt=1, state='running')
        self.run_flow(task)
        self.assertEqual(2, db_tasks.get_task(task.uuid).attempt)

    def test_finished_task_is_left_alone(self):
        node = self.make_node()
        task = self.make_task(node, 'on', state='cancelled')
        reporter = self.run_flow(task)
        self.assertEqual('succeeded', reporter.outcome)
        self.assertEqual('cancelled', db_tasks.get_task(task.uuid).state)

    def test_unwritten_end_is_not_finished_and_is_logged(self):
        # The task was cancelled meanwhile: the flow's end changes no row,
        # so the lanes are not moved on for it and the operator is told.
        finished = []
        node = self.make_node()
        task = self.make_task(node, 'on', state='cancelled')
        engine = taskflow.engines.load(power.set_power_state_flow_v2(),
                                       store=self.store(task),
                                       engine='serial')
        reporter = listeners.TaskReporter(engine, task.uuid, host='cond-1',
                                          on_finish=finished.append)
        with reporter:
            engine.run()
        self.assertEqual([], finished)
        self.assertIn('was no longer active when its flow ended',
                      self.logger.output)

    def test_lost_claim_stops_reports(self):
        class Lost:
            lost = True
        node = self.make_node()
        task = self.make_task(node, 'on')
        self.run_flow(task, claim=Lost())
        task = db_tasks.get_task(task.uuid)
        self.assertEqual('pending', task.state)
        self.assertEqual([], db_tasks.list_events(task.uuid))


class TestStepProgress(base.FlowTestCase):
    """A running step's own progress in the task's progress."""

    def setUp(self):
        super().setUp()
        node = self.make_node()
        self.task = self.make_task(node, 'on', state='running')
        engine = taskflow.engines.load(power.set_power_state_flow_v2(),
                                       store=self.store(self.task),
                                       engine='serial')
        engine.compile()
        engine.prepare()
        self.reporter = listeners.TaskReporter(engine, self.task.uuid)
        # Three atoms, none finished, no retry controllers counted out.
        self.atoms = len(self.reporter._atoms())

    def progress(self):
        return db_tasks.get_task(self.task.uuid).progress

    def test_share_of_the_running_step_is_written(self):
        self.reporter.step_progress('power-set-state', 0.5)
        self.assertEqual(int(50 / self.atoms), self.progress())

    def test_at_most_one_write_per_interval_and_never_back(self):
        self.reporter.step_progress('power-set-state', 0.5)
        first = self.progress()
        self.reporter.step_progress('power-set-state', 0.9)
        self.assertEqual(first, self.progress())
        self.useFixture(fixtures.MonkeyPatch(
            'async_api.conductor.listeners.TaskReporter.'
            'STEP_PROGRESS_INTERVAL', 0.0))
        self.reporter._step_progress = (first, 0.0)
        self.reporter.step_progress('power-set-state', 0.2)
        self.assertEqual(first, self.progress())
        self.reporter.step_progress('power-set-state', 7)
        self.assertEqual(int(100 / self.atoms), self.progress())
        self.assertEqual([], db_tasks.list_events(self.task.uuid))

    def test_nothing_once_the_claim_is_lost(self):
        class Lost:
            lost = True
        self.reporter.claim = Lost()
        self.reporter.step_progress('power-set-state', 0.5)
        self.assertEqual(0, self.progress() or 0)


class _Peek(task_base.Task):
    """A step that records what other connections see while it runs."""

    seen = []

    def execute(self, task_uuid):
        task = db_tasks.get_task(task_uuid)
        self.seen.append((self.name, task.state, task.step, [
            (e.event, e.state) for e in db_tasks.list_events(task_uuid)]))


class _QuietPeek(_Peek):
    """A step whose start need not commit before it runs."""

    quiet_start = True


class _CancelledMeanwhile(_QuietPeek):
    """A quiet step during which a client cancels the task."""

    requested = None

    def execute(self, task_uuid):
        super().execute(task_uuid)
        type(self).requested = db_cancels.request_cancel(task_uuid, {
            'event': db_cancels.CANCEL_EVENT, 'state': 'requested',
            'details': {}})


class _PeekRetry(retry_base.Times):
    """A retry controller that records what is committed as it starts."""

    seen = []

    def execute(self, history, task_uuid):
        self.seen.append([(e.event, e.state)
                          for e in db_tasks.list_events(task_uuid)])
        return super().execute(history)


class TestHeldTransitions(base.FlowTestCase):
    """Quiet transitions wait for the next one; acting ones commit first."""

    def run_held(self, task, flow=None):
        flow = flow or linear_flow.Flow('peek').add(
            _Peek('one'), _Peek('two'))
        _Peek.seen = []
        _PeekRetry.seen = []
        bind = db_engine.current().engine
        backend = p_backend.SQLBackend({}, engine=bind)
        engine = taskflow.engines.load(flow, store=self.store(task),
                                       engine='serial', backend=backend)
        fence = db_tasks.claim_task(task.uuid, 'job-1')
        reporter = listeners.TaskReporter(engine, task.uuid, host='c',
                                          fence=fence)
        self.assertTrue(reporter.holds_quiet_transitions)
        # As a conductor runs it: every step checks the run's stop flag.
        token = boundary.running(task.uuid)
        self.addCleanup(boundary.done, task.uuid, token)
        boundary.guard(engine, task.uuid)
        with deferred.holding(bind), reporter:
            engine.run()
        return reporter

    def test_each_step_runs_after_its_start_and_earlier_ends_commit(self):
        task = self.make_task(self.make_node())
        self.run_held(task)
        self.assertEqual([
            ('one', 'running', 'one', [('one', 'started')]),
            ('two', 'running', 'two', [('one', 'started'),
                                       ('one', 'succeeded'),
                                       ('two', 'started')]),
        ], _Peek.seen)
        self.assertEqual([('one', 'started'), ('one', 'succeeded'),
                          ('two', 'started'), ('two', 'succeeded')],
                         [(e.event, e.state)
                          for e in db_tasks.list_events(task.uuid)])
        task = db_tasks.get_task(task.uuid)
        self.assertEqual(('succeeded', 100, 1),
                         (task.state, task.progress, task.attempt))

    def test_a_retry_start_commits_with_its_steps_start(self):
        task = self.make_task(self.make_node())
        flow = linear_flow.Flow('peek').add(
            _Peek('one'),
            linear_flow.Flow('two-retry', retry=_PeekRetry(
                name='two-retry')).add(_Peek('two')))
        self.run_held(task, flow)
        # Not committed on its own: the retry starts in the transaction
        # of the step it guards.
        self.assertEqual([[('one', 'started')]], _PeekRetry.seen)
        self.assertEqual([('one', 'started'), ('one', 'succeeded'),
                          ('two-retry', 'started'),
                          ('two-retry', 'succeeded'), ('two', 'started')],
                         _Peek.seen[1][3])

    def test_a_quiet_start_commits_with_the_steps_end(self):
        task = self.make_task(self.make_node())
        flow = linear_flow.Flow('peek').add(_QuietPeek('one'), _Peek('two'))
        self.run_held(task, flow)
        # Nothing committed while the quiet step ran: not even the
        # task's start, held for the first step's.
        self.assertEqual(('one', 'pending', None, []), _Peek.seen[0])
        # Its start and end commit with the next step's start, before
        # that step runs; every event is recorded.
        self.assertEqual(('two', 'running', 'two', [
            ('one', 'started'), ('one', 'succeeded'), ('two', 'started')]),
            _Peek.seen[1])
        self.assertEqual(4, len(db_tasks.list_events(task.uuid)))
        task = db_tasks.get_task(task.uuid)
        self.assertEqual(('succeeded', 100, 1),
                         (task.state, task.progress, task.attempt))

    def test_a_cancel_during_a_quiet_step_stops_the_next_one(self):
        task = self.make_task(self.make_node())
        flow = linear_flow.Flow('peek').add(_CancelledMeanwhile('one'),
                                            _Peek('two'))
        # The engine re-raises what failed the flow: the step refused.
        self.assertRaises(boundary.TaskCancelled, self.run_held, task, flow)
        self.assertTrue(_CancelledMeanwhile.requested)
        self.assertEqual(['one'], [seen[0] for seen in _Peek.seen])
        task = db_tasks.get_task(task.uuid)
        self.assertEqual('cancelled', task.state)
        self.assertEqual(('cancelled', 'two'),
                         (task.error['code'], task.error['step']))

    def test_a_cancel_before_a_quiet_step_stops_the_next_one(self):
        task = self.make_task(self.make_node())
        self.assertTrue(db_cancels.request_cancel(task.uuid, {
            'event': db_cancels.CANCEL_EVENT, 'state': 'requested',
            'details': {'user_id': 'u1'}}))
        flow = linear_flow.Flow('peek').add(_QuietPeek('one'), _Peek('two'))
        self.assertRaises(boundary.TaskCancelled, self.run_held, task, flow)
        # The quiet step ran (it acts on nothing); the next did not.
        self.assertEqual(['one'], [seen[0] for seen in _Peek.seen])
        task = db_tasks.get_task(task.uuid)
        self.assertEqual(('cancelled', 'Cancelled by user u1 before step '
                          'two'), (task.state, task.error['message']))

    def test_a_cancel_during_a_last_quiet_step_is_too_late(self):
        # As for any last step: it ran, so the flow's end is written.
        task = self.make_task(self.make_node())
        flow = linear_flow.Flow('peek').add(_CancelledMeanwhile('one'))
        self.run_held(task, flow)
        self.assertTrue(_CancelledMeanwhile.requested)
        task = db_tasks.get_task(task.uuid)
        self.assertEqual(('succeeded', 100), (task.state, task.progress))
        self.assertTrue(task.cancel_requested)

    def test_parallel_engines_commit_every_transition(self):
        engine = taskflow.engines.load(linear_flow.Flow('f').add(
            _Peek('one')), engine='parallel')
        reporter = listeners.TaskReporter(engine, 'x')
        self.assertFalse(reporter.holds_quiet_transitions)


def _start_unreported(step):
    """A fixture: the report of ``step``'s start meets a disconnect."""
    real = db_tasks.report

    def report(uuid, values, **kwargs):
        event = kwargs.get('event') or {}
        if event.get('event') == step and event.get('state') == 'started':
            raise db_exc.DBConnectionError('connection refused')
        return real(uuid, values, **kwargs)

    return fixtures.MockPatchObject(db_tasks, 'report', report)


class TestOutageSuspends(base.FlowTestCase):
    """A step that meets an outage pauses the flow; nothing is reverted."""

    def run_twice(self, error):

        node = self.make_node()
        task = self.make_task(node, 'on')
        log = []
        flow = linear_flow.Flow('outage').add(
            base.LoggedStep('one', log), base.LoggedStep('two', log, [error]),
            base.LoggedStep('three', log))
        backend = impl_memory.MemoryBackend()
        engine = taskflow.engines.load(flow, engine='serial',
                                       backend=backend)
        reporter = listeners.TaskReporter(engine, task.uuid, host='c1')
        with reporter:
            engine.run()
        first = (engine.storage.get_flow_state(), reporter.outage,
                 db_tasks.get_task(task.uuid).state)
        reporter.repair()
        # The next attempt (another claim) resumes from the storage.
        again = taskflow.engines.load(
            flow, flow_detail=engine.storage._flowdetail, backend=backend,
            engine='serial')
        reporter = listeners.TaskReporter(again, task.uuid, host='c2')
        with reporter:
            again.run()
        self.assertEqual(tf_states.SUCCESS, again.storage.get_flow_state())
        return first, log, task

    def test_database_disconnect_in_a_step(self):

        first, log, task = self.run_twice(
            db_exc.DBConnectionError('server closed the connection'))
        state, outage, task_state = first
        self.assertEqual(tf_states.SUSPENDED, state)
        self.assertEqual('two', outage[0])
        self.assertEqual('running', task_state)
        self.assertEqual([('run', 'one'), ('run', 'two'), ('run', 'two'),
                          ('run', 'three')], log)
        task = db_tasks.get_task(task.uuid)
        self.assertEqual('succeeded', task.state)
        events = [(e.event, e.state) for e in db_tasks.list_events(
            task.uuid)]
        self.assertNotIn(('two', 'failed'), events)
        self.assertNotIn('reverting', {state for _e, state in events})

    def test_other_errors_still_revert(self):
        node = self.make_node()
        task = self.make_task(node, 'on')
        log = []
        flow = linear_flow.Flow('fails').add(
            base.LoggedStep('one', log),
            base.LoggedStep('two', log, [ValueError('bad')]))
        engine = taskflow.engines.load(flow, engine='serial')
        reporter = listeners.TaskReporter(engine, task.uuid, host='c1')
        with reporter:
            self.assertRaises(ValueError, engine.run)
        self.assertIsNone(reporter.outage)
        self.assertIn(('revert', 'one'), log)
        self.assertEqual('failed', db_tasks.get_task(task.uuid).state)

    def test_unreported_step_start_suspends(self):

        node = self.make_node()
        task = self.make_task(node, 'on')
        log = []
        flow = linear_flow.Flow('unreported').add(
            base.LoggedStep('one', log), base.LoggedStep('two', log))
        engine = taskflow.engines.load(flow, engine='serial')
        reporter = listeners.TaskReporter(engine, task.uuid, host='c1')
        self.useFixture(_start_unreported('one'))
        with reporter:
            engine.run()
        self.assertEqual(tf_states.SUSPENDED, engine.storage.get_flow_state())
        self.assertEqual('one', reporter.outage[0])
        # TaskFlow had scheduled the step already; the next one never ran.
        self.assertNotIn(('run', 'two'), log)

    def test_outage_under_a_retry_controller_suspends(self):
        # The step's start cannot be reported, then the step itself meets
        # the outage, under the retry controller that every BMC step has.
        node = self.make_node()
        task = self.make_task(node, 'on')
        log = []
        outage = db_exc.DBConnectionError('attempt to write a readonly '
                                          'database')
        flow = linear_flow.Flow('outage').add(
            base.LoggedStep('one', log),
            linear_flow.Flow('two-retry', retry=common.BMCRetry(
                'two-retry', 2, 0)).add(base.LoggedStep('two', log, [outage])))
        backend = impl_memory.MemoryBackend()
        engine = taskflow.engines.load(flow, engine='serial',
                                       backend=backend)
        reporter = listeners.TaskReporter(engine, task.uuid, host='c1')
        with _start_unreported('two'):
            with reporter:
                engine.run()
        self.assertEqual(tf_states.SUSPENDED, engine.storage.get_flow_state())
        self.assertEqual('two', reporter.outage[0])
        self.assertIsNone(reporter.outcome)
        self.assertFalse(reporter.report_failed)
        self.assertEqual('running', db_tasks.get_task(task.uuid).state)
        self.assertNotIn(('revert', 'one'), log)
        reporter.repair()
        # The next attempt runs the flow to its end.
        again = taskflow.engines.load(
            flow, flow_detail=engine.storage._flowdetail, backend=backend,
            engine='serial')
        with listeners.TaskReporter(again, task.uuid, host='c2'):
            again.run()
        self.assertEqual('succeeded', db_tasks.get_task(task.uuid).state)
        self.assertEqual(('run', 'two'), log[-1])

    def test_a_flow_ended_after_an_outage_is_no_verdict(self):
        # Once the run met an outage its job is left for another attempt,
        # however the flow ends: TaskFlow calls a suspended flow whose
        # failed step a retry controller took over "reverted" although no
        # revert ran, and a revert that met the outage may fail. The next
        # attempt decides; nothing final is written now.
        for final in (tf_states.REVERTED, tf_states.FAILURE):
            node = self.make_node()
            task = self.make_task(node, 'on')
            engine = taskflow.engines.load(
                linear_flow.Flow('f').add(base.LoggedStep('one', [])),
                engine='serial')
            reporter = listeners.TaskReporter(engine, task.uuid, host='c1')
            reporter._suspend_for_outage(
                'one', db_exc.DBConnectionError('readonly database'))
            reporter._flow_receiver(final, {})
            self.assertIsNone(reporter.outcome, final)
            self.assertFalse(reporter.report_failed, final)
            row = db_tasks.get_task(task.uuid)
            self.assertNotIn(row.state, ('failed', 'error'), final)
            self.assertIsNone(db_nodes.get_node(node.uuid).last_error)


class _DatabaseFailure(task_base.Task):
    """Fails as a database error does: SQL and parameters in its text."""

    def execute(self):
        raise sqlalchemy_exc.IntegrityError(
            'UPDATE nodes SET driver_info=? WHERE uuid=?',
            ('{"ipmi_password": "hunter2"}', 'x'),
            Exception('CHECK constraint failed'))


class TestSafeErrors(base.FlowTestCase):
    """Task errors, events and last_error carry no SQL, no parameters."""

    def test_database_error_in_a_step(self):
        node = self.make_node()
        task = self.make_task(node, 'on', request_id='req-safe-1')
        flow = linear_flow.Flow('db').add(
            common.MarkNodeOnRevert('mark'), _DatabaseFailure('write'))
        engine = taskflow.engines.load(flow, store=self.store(task),
                                       engine='serial')
        with listeners.TaskReporter(engine, task.uuid, host='c1'):
            self.assertRaises(sqlalchemy_exc.IntegrityError, engine.run)
        task = db_tasks.get_task(task.uuid)
        self.assertEqual('failed', task.state)
        self.assertEqual('database_error', task.error['code'])
        self.assertEqual('write', task.error['step'])
        failed = [e for e in db_tasks.list_events(task.uuid)
                  if e.state == 'failed'][0]
        self.assertEqual('database_error', failed.details['code'])
        last_error = db_nodes.get_node(node.uuid).last_error
        for shown in (task.error['message'], failed.details['message'],
                      last_error):
            self.assertIn('req-safe-1', shown)
            for secret in ('hunter2', 'UPDATE', 'parameters'):
                self.assertNotIn(secret, shown)
        # The whole detail is in the log, beside the request id.
        line = [line for line in self.logger.output.splitlines()
                if 'req-safe-1' in line][0]
        self.assertIn('database_error', line)
        self.assertIn('UPDATE nodes SET driver_info', self.logger.output)
