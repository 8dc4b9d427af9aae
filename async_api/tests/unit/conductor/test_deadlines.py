"""Deadlines while a step runs, and the drain on stop.

The engine-level tests run TaskFlow engines built by
:func:`async_api.conductor.deadlines.load_engine` on the memory backend;
the service-level ones run a real :class:`ConductorService` on the SQL
jobboard and a scratch database, with flows whose steps hang on a gate
that the test opens at cleanup (so no thread outlives the test for long).
"""

import collections
import threading
import time

from taskflow.patterns import linear_flow
from taskflow.persistence.backends import impl_memory
from taskflow import states as tf_states
from taskflow import task
from taskflow.utils import persistence_utils

import async_api
from async_api.conductor import deadlines
from async_api.conductor import service
from async_api.baremetal import conf as async_conf
from async_api.baremetal.db import nodes as db_nodes
from async_api.db import tasks as db_tasks
from async_api.operations import registry
from async_api.persistence import backend as p_backend
from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests.unit.conductor import test_service

# Steps hang on this until the test that made them hang cleans up.
GATE = threading.Event()
# What ran, by task: step names, then 'revert:<step>'.
LOG = collections.defaultdict(list)
# Steps that hang (by task, then name), and how many times each may.
HANG = collections.defaultdict(dict)


class Step(task.Task):
    """Records each run; hangs while HANG says so (``hang_revert`` too)."""

    def __init__(self, name, hang_revert=False, step_timeout=None,
                 **kwargs):
        super().__init__(name=name, **kwargs)
        self.hang_revert = hang_revert
        if step_timeout is not None:
            self.step_timeout = step_timeout

    def _hangs(self, key, what):
        hangs = HANG[key]
        if hangs.get(what, 0) > 0:
            hangs[what] -= 1
            GATE.wait()

    def execute(self, task_uuid):
        LOG[task_uuid].append(self.name)
        self._hangs(task_uuid, self.name)

    def revert(self, task_uuid, **kwargs):
        LOG[task_uuid].append('revert:' + self.name)
        if self.hang_revert:
            self._hangs(task_uuid, 'revert:' + self.name)


def three_steps():
    """one ──> two (may hang) ──> three."""
    return linear_flow.Flow('three').add(
        Step('one'), Step('two'), Step('three'))


def hanging_revert():
    """one (its revert may hang) ──> two (may hang)."""
    return linear_flow.Flow('hanging-revert').add(
        Step('one', hang_revert=True), Step('two'))


class HalfWay(task.Task):
    """Reports half its work done, then hangs on the gate."""

    def execute(self, task_uuid):
        self.update_progress(0.5)
        GATE.wait()


def half_way():
    """one ──> half-way (reports 0.5, then waits for the gate)."""
    return linear_flow.Flow('half-way').add(Step('one'), HalfWay('half'))


class RetriesItself(task.Task):
    """Fails once with a timeout, says it retries, then succeeds."""

    def execute(self, task_uuid):
        LOG[task_uuid].append(self.name)
        told = async_api.report_retry(RuntimeError('the BMC did not answer'),
                                      2, 0.0)
        LOG[task_uuid].append(('told', told))


def retries_itself():
    """one ──> again (retries once inside itself)."""
    return linear_flow.Flow('again').add(Step('one'), RetriesItself('again'))


def _extra(resource_uuid):
    return dict(db_nodes.get_node(resource_uuid).extra or {})


class HoldsAWrite(task.Task):
    """Holds a write of the node's ``extra``; may hang or lose the task."""

    def __init__(self, name, fence_off=False, **kwargs):
        super().__init__(name=name, **kwargs)
        self.fence_off = fence_off

    def execute(self, task_uuid, resource_uuid):
        # What the node holds as the run starts: a run fenced off before
        # must have left nothing.
        LOG[task_uuid].append(('before', _extra(resource_uuid)))
        run = sum(1 for entry in LOG[task_uuid] if entry[0] == 'before')
        write, _node = db_nodes.deferred_update(
            db_nodes.get_node(resource_uuid), {'extra': {'run': run}})
        held = async_api.hold_write(write)
        # Not written yet, for any other connection.
        LOG[task_uuid].append(('held', held, _extra(resource_uuid)))
        if self.fence_off and run == 1:
            # Another conductor takes the task up: the epoch moves on.
            row = db_tasks.get_task(task_uuid)
            db_tasks.claim_task(task_uuid, row.job_uuid)
        HANG_IN = HANG[task_uuid]
        if HANG_IN.get(self.name, 0) > 0:
            HANG_IN[self.name] -= 1
            GATE.wait()


class LooksAtTheNode(task.Task):
    """Records the node's ``extra`` as it starts."""

    def execute(self, task_uuid, resource_uuid):
        LOG[task_uuid].append(('seen', _extra(resource_uuid)))


def holds_a_write():
    """hold ──> look."""
    return linear_flow.Flow('holds').add(HoldsAWrite('hold'),
                                         LooksAtTheNode('look'))


def holds_then_fenced_off():
    """hold (takes the task's epoch away on the first run) ──> look."""
    return linear_flow.Flow('fenced').add(
        HoldsAWrite('hold', fence_off=True), LooksAtTheNode('look'))


def _operation(name, factory, **kwargs):
    return registry.Operation(
        name=name, resource_type='node', schema={'type': 'object'},
        flow_factory='async_api.tests.unit.conductor.test_deadlines:'
                     + factory, **kwargs)


class GateMixin:

    def open_gate_at_cleanup(self):
        GATE.clear()
        self.addCleanup(GATE.set)


class TestEngineDeadlines(GateMixin, base.TestCase):
    """TaskFlow engines whose steps keep deadlines."""

    def setUp(self):
        super().setUp()
        self.open_gate_at_cleanup()
        self.backend = impl_memory.MemoryBackend()
        self.key = self.getUniqueString()

    def engine(self, flow, kind='serial', **kwargs):
        run = deadlines.RunDeadlines(**kwargs)
        detail = persistence_utils.create_flow_detail(
            flow, backend=self.backend)
        engine = deadlines.load_engine(flow, detail, self.backend, kind, {},
                                       run)
        engine.storage.inject({'task_uuid': self.key})
        return engine, run

    def failure_of(self, engine, name):
        return engine.storage.get(name)

    def _step_timeout(self, kind):
        HANG[self.key] = {'two': 1}
        flow = linear_flow.Flow('f').add(
            Step('one'), Step('two', step_timeout=0.2), Step('three'))
        engine, _run = self.engine(flow, kind)
        started = time.monotonic()
        self.assertRaises(deadlines.StepTimedOut, engine.run)
        self.assertLess(time.monotonic() - started, 10)
        self.assertEqual(tf_states.REVERTED,
                         engine.storage.get_flow_state())
        failure = engine.storage.get_execute_failures()['two']
        self.assertEqual('step_timeout', failure.exception.code)
        # The step was given up, the flow reverted, three never ran.
        self.assertEqual(['one', 'two', 'revert:two', 'revert:one'],
                         LOG[self.key])

    def test_step_past_its_timeout_fails_and_reverts(self):
        self._step_timeout('serial')

    def test_parallel_engine_step_past_its_timeout(self):
        self._step_timeout('parallel')

    def test_operation_step_timeout_applies_to_every_step(self):
        HANG[self.key] = {'three': 1}
        engine, _run = self.engine(three_steps(), step_timeout=0.2)
        self.assertRaises(deadlines.StepTimedOut, engine.run)
        self.assertEqual(['one', 'two', 'three', 'revert:three',
                          'revert:two', 'revert:one'], LOG[self.key])

    def test_step_attribute_overrides_operation(self):
        class Sleepy(task.Task):
            # The operation allows 0.1 s; the step allows itself more.
            step_timeout = 5.0

            def execute(self):
                time.sleep(0.3)
        flow = linear_flow.Flow('f').add(Sleepy('slow'))
        engine, _run = self.engine(flow, step_timeout=0.1)
        engine.run()
        self.assertEqual(tf_states.SUCCESS, engine.storage.get_flow_state())

    def test_operation_deadline_across_steps(self):
        HANG[self.key] = {'two': 1}
        engine, _run = self.engine(
            three_steps(), operation_deadline=time.monotonic() + 0.5,
            operation_timeout=0.5)
        self.assertRaises(deadlines.OperationTimedOut, engine.run)
        failure = engine.storage.get_execute_failures()['two']
        self.assertEqual('operation_timeout', failure.exception.code)
        self.assertEqual(['one', 'two', 'revert:two', 'revert:one'],
                         LOG[self.key])

    def test_step_after_operation_deadline_does_not_start(self):
        engine, _run = self.engine(
            three_steps(), operation_deadline=time.monotonic() - 1,
            operation_timeout=60)
        self.assertRaises(deadlines.OperationTimedOut, engine.run)
        self.assertNotIn('one', LOG[self.key])

    def test_revert_past_its_timeout_fails_the_flow(self):
        HANG[self.key] = {'two': 1, 'revert:one': 1}
        engine, _run = self.engine(hanging_revert(), step_timeout=0.2)
        started = time.monotonic()
        self.assertRaises(Exception, engine.run)
        self.assertLess(time.monotonic() - started, 10)
        self.assertEqual(tf_states.FAILURE, engine.storage.get_flow_state())
        failure = engine.storage.get_revert_failures()['one']
        self.assertEqual('step_timeout', failure.exception.code)

    def test_abandon_leaves_the_step_running(self):
        HANG[self.key] = {'two': 1}
        engine, run = self.engine(three_steps())
        errors = []

        def target():
            try:
                engine.run()
            except BaseException as e:
                errors.append(e)
        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while 'two' not in LOG[self.key]:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.01)
        run.abandon()
        thread.join(10)
        self.assertFalse(thread.is_alive())
        self.assertIsInstance(errors[0], deadlines.StepAbandoned)
        # As a crash would leave it: the step running, nothing failed.
        self.assertEqual(tf_states.RUNNING,
                         engine.storage.get_atom_state('two'))
        self.assertEqual(tf_states.RUNNING, engine.storage.get_flow_state())
        self.assertEqual({}, engine.storage.get_execute_failures())

    def test_a_retry_nobody_records_is_reported_as_not_recorded(self):
        told = []

        class Retries(task.Task):
            def execute(self):
                told.append(async_api.report_retry(RuntimeError('x'), 2, 0))
        flow = linear_flow.Flow('f').add(Retries('r'))
        engine, _run = self.engine(flow)
        engine.run()
        self.assertEqual([False], told)

    def test_steps_run_off_the_engine_thread(self):
        seen = []

        class Where(task.Task):
            def execute(self):
                seen.append(threading.current_thread())
        flow = linear_flow.Flow('f').add(Where('w'))
        engine, _run = self.engine(flow)
        engine.run()
        self.assertIsNot(threading.current_thread(), seen[0])
        self.assertTrue(seen[0].daemon)

    def _progress_while_running(self, kind):
        reported = threading.Event()

        class Reports(task.Task):
            def execute(self):
                self.update_progress(0.5)
                reported.set()
                GATE.wait()
        flow = linear_flow.Flow('f').add(Reports('r'))
        engine, _run = self.engine(flow, kind, step_timeout=30)
        engine.compile()
        engine.prepare()
        uuid = engine.storage.get_atom_uuid('r')
        thread = threading.Thread(target=engine.run, daemon=True)
        thread.start()
        self.assertTrue(reported.wait(10))
        # Saved while the step still runs. (TaskFlow's serial engine holds
        # its storage's lock meanwhile: saved from the step's own thread,
        # the report waited for the step's deadline. That lock is why the
        # backend is read here, not the engine's storage.)
        connection = self.backend.get_connection()
        deadline = time.monotonic() + 5
        while connection.get_atom_details(uuid).meta.get('progress') != 0.5:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.01)
        GATE.set()
        thread.join(10)
        self.assertFalse(thread.is_alive())
        self.assertEqual(tf_states.SUCCESS, engine.storage.get_flow_state())

    def test_step_progress_is_stored_while_it_runs(self):
        self._progress_while_running('serial')

    def test_parallel_step_progress_is_stored_while_it_runs(self):
        self._progress_while_running('parallel')

    def test_progress_after_the_deadline_is_dropped(self):
        reports = []
        call = deadlines._Call(GATE.wait, (), {})
        deadlines.StepThreads().submit(call)
        self.assertFalse(call.wait(0.05))
        call.report(reports.append, 'late')
        GATE.set()
        self.assertEqual([], reports)


class TestServiceDeadlines(GateMixin, test_service.ServiceTestCase):
    """A conductor service fails, reverts and moves on past deadlines."""

    def setUp(self):
        super().setUp()
        self.open_gate_at_cleanup()
        registry.register(_operation('node.three', 'three_steps',
                                     step_timeout=0.5))
        registry.register(_operation('node.hanging_revert',
                                     'hanging_revert', step_timeout=0.5))
        registry.register(_operation('node.three_slow', 'three_steps',
                                     timeout=0.6))
        registry.register(_operation('node.three_unbounded', 'three_steps'))

    def events(self, task):
        return [(e.event, e.state, (e.details or {}).get('code'))
                for e in db_tasks.list_events(task.uuid)]

    def test_stuck_step_fails_reverts_and_frees_the_worker(self):
        self.start(workers=1)
        stuck = self.submit(self.make_node(), operation='node.three')
        HANG[stuck.uuid] = {'two': 1}
        row = self.wait_for(stuck)
        self.assertEqual('failed', row.state)
        self.assertEqual('step_timeout', row.error['code'])
        self.assertEqual('two', row.error['step'])
        events = self.events(stuck)
        self.assertIn(('two', 'failed', 'step_timeout'), events)
        self.assertIn(('two', 'reverted', None), events)
        self.assertIn(('one', 'reverted', None), events)
        self.assertNotIn(('three', 'started', None), events)
        # The only worker is free again.
        row = self.wait_for(self.submit(self.make_node(),
                                        operation='node.three'))
        self.assertEqual('succeeded', row.state, row.error)
        self.wait_board_empty()

    def test_stuck_revert_ends_in_error(self):
        self.start(workers=1)
        node = self.make_node()
        stuck = self.submit(node, operation='node.hanging_revert')
        HANG[stuck.uuid] = {'two': 1, 'revert:one': 1}
        row = self.wait_for(stuck)
        self.assertEqual('error', row.state)
        self.assertEqual('step_timeout', row.error['code'])
        self.assertEqual('one', row.error['revert_step'])
        self.assertEqual('error', db_nodes.get_node(node.uuid).sync_state)
        row = self.wait_for(self.submit(self.make_node(),
                                        operation='node.three'))
        self.assertEqual('succeeded', row.state, row.error)

    def test_operation_timeout_while_a_step_runs(self):
        self.start(workers=1)
        stuck = self.submit(self.make_node(), operation='node.three_slow')
        HANG[stuck.uuid] = {'three': 1}
        row = self.wait_for(stuck)
        self.assertEqual('failed', row.state)
        self.assertEqual('operation_timeout', row.error['code'])
        self.assertEqual('three', row.error['step'])

    def test_a_steps_own_progress_reaches_the_task(self):
        registry.register(_operation('node.half_way', 'half_way'))
        self.start(workers=1)
        running = self.submit(self.make_node(), operation='node.half_way')
        deadline = time.monotonic() + 10
        # One of two steps done, and half the other: 75 %, while it runs.
        while db_tasks.get_task(running.uuid).progress != 75:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.02)
        self.assertEqual('running', db_tasks.get_task(running.uuid).state)
        GATE.set()
        row = self.wait_for(running)
        self.assertEqual(('succeeded', 100), (row.state, row.progress))
        # No step event for a progress report.
        self.assertEqual(4, len(db_tasks.list_events(row.uuid)))

    def test_a_steps_own_retry_is_an_event_of_the_step(self):
        registry.register(_operation('node.retries', 'retries_itself'))
        self.start(workers=1)
        row = self.wait_for(self.submit(self.make_node(),
                                        operation='node.retries'))
        self.assertEqual('succeeded', row.state, row.error)
        self.assertEqual(['one', 'again', ('told', True)], LOG[row.uuid])
        events = db_tasks.list_events(row.uuid)
        self.assertEqual(
            [('one', 'started'), ('one', 'succeeded'),
             ('again', 'started'), ('again', 'retrying'),
             ('again', 'succeeded')],
            [(e.event, e.state) for e in events])
        retry = events[3].details
        self.assertEqual((2, 0.0, 1), (retry['retry'], retry['delay'],
                                       retry['attempt']))
        # Code and message as a client may see them: a RuntimeError's own
        # text is not shown.
        self.assertEqual('step_failed', retry['code'])
        self.assertNotIn('did not answer', retry['message'])

    def test_a_retry_reported_outside_a_conductor_is_not_recorded(self):
        self.assertFalse(async_api.report_retry(TimeoutError('x'), 2, 1.0))

    def test_a_write_held_outside_a_conductor_is_not_held(self):
        self.assertFalse(async_api.hold_write(lambda connection: None))

    def test_no_write_is_held_with_persistence_elsewhere(self):
        # Flow progress in memory here: nothing holds writes for a report.
        registry.register(_operation('node.holds', 'holds_a_write'))
        self.start(workers=1)
        node = self.make_node()
        row = self.wait_for(self.submit(node, operation='node.holds'))
        self.assertEqual('succeeded', row.state, row.error)
        self.assertIn(('held', False, {}), LOG[row.uuid])

    def test_step_events_carry_the_attempt(self):
        self.start(workers=1)
        row = self.wait_for(self.submit(self.make_node(),
                                        operation='node.three'))
        self.assertEqual('succeeded', row.state, row.error)
        events = db_tasks.list_events(row.uuid)
        self.assertEqual(6, len(events))
        self.assertEqual({1}, {e.details['attempt'] for e in events})


class TestHeldWrites(GateMixin, test_service.ServiceTestCase):
    """Steps' writes held for the report of their end (hold_write).

    Flow progress on the test database, as in the service: the conductor
    holds writes for its reports only there.
    """

    def make_persistence(self):
        return p_backend.SQLBackend({}, engine=self.db.database.engine)

    def setUp(self):
        super().setUp()
        self.open_gate_at_cleanup()

    def test_a_held_write_commits_with_the_end_of_its_step(self):
        registry.register(_operation('node.holds', 'holds_a_write'))
        self.start(workers=1)
        node = self.make_node()
        row = self.wait_for(self.submit(node, operation='node.holds'))
        self.assertEqual('succeeded', row.state, row.error)
        self.assertEqual(
            [('before', {}), ('held', True, {}), ('seen', {'run': 1})],
            LOG[row.uuid])
        self.assertEqual({'run': 1}, _extra(node.uuid))

    def test_a_held_write_of_a_step_past_its_deadline_is_dropped(self):
        registry.register(_operation('node.holds_slow', 'holds_a_write',
                                     step_timeout=0.5))
        self.start(workers=1)
        node = self.make_node()
        task = self.submit(node, operation='node.holds_slow')
        HANG[task.uuid] = {'hold': 1}
        row = self.wait_for(task)
        self.assertEqual('failed', row.state)
        self.assertEqual('step_timeout', row.error['code'])
        self.assertEqual({}, _extra(node.uuid))

    def test_a_held_write_of_a_run_that_lost_its_task_is_dropped(self):
        registry.register(_operation('node.fenced', 'holds_then_fenced_off'))
        self.start(workers=1)
        node = self.make_node()
        row = self.wait_for(self.submit(node, operation='node.fenced'))
        self.assertEqual('succeeded', row.state, row.error)
        # The run that lost the task still starts its next step (the
        # refused report stops its engine only after that step), and
        # neither it nor the next run finds the write it held; the next
        # run's own write went.
        self.assertEqual([('before', {}), ('held', True, {}), ('seen', {}),
                          ('before', {}), ('held', True, {}),
                          ('seen', {'run': 2})], LOG[row.uuid])
        self.assertEqual({'run': 2}, _extra(node.uuid))

    def test_a_power_run_writes_the_node_with_its_reports(self):
        # Transactions that write nodes and nothing else: only the fake
        # driver's own (its "hardware" is the node's extra); the flow's
        # marks and the state it found go with the reports.
        transactions = self.useFixture(
            db_fixtures.Transactions(self.db.database.engine))
        self.start(workers=1)
        node = self.make_node()
        row = self.wait_for(self.submit(node, target='on'))
        self.assertEqual('succeeded', row.state, row.error)
        found = db_nodes.get_node(node.uuid)
        self.assertEqual(('on', None, 'in_sync', row.uuid),
                         (found.power_state, found.target_power_state,
                          found.sync_state, found.last_task_uuid))
        alone = [made for made in transactions.committed
                 if all(s.startswith('UPDATE nodes') for s in made)]
        self.assertEqual(1, len(alone), alone)
        self.assertIn('extra', alone[0][0])


class TestDrain(GateMixin, test_service.ServiceTestCase):
    """stop() drains for a bounded time, then releases what still runs."""

    def setUp(self):
        super().setUp()
        self.open_gate_at_cleanup()
        registry.register(_operation('node.three', 'three_steps'))

    def running(self, task, step, timeout=10):
        deadline = time.monotonic() + timeout
        while db_tasks.get_task(task.uuid).step != step:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.01)

    def test_stop_releases_a_stuck_job_to_another_conductor(self):
        svc = service.ConductorService(
            async_conf.CONF, workers=1, persistence=self.persistence,
            board_factory=self.open_board, host='testhost')
        svc.start()
        self.addCleanup(svc.stop, 1)
        task = self.submit(self.make_node(), operation='node.three')
        HANG[task.uuid] = {'two': 1}
        self.running(task, 'two')
        started = time.monotonic()
        self.assertTrue(svc.stop(0.3))
        # Bounded by the grace and the unwind, not by the step.
        self.assertLess(time.monotonic() - started,
                        0.3 + service.ConductorService.UNWIND_TIMEOUT + 5)
        # The claim was released, not left to expire (30 s here).
        job = next(iter(self.poster.iterjobs()))
        self.assertIsNone(self.poster.find_owner(job))
        self.assertEqual('running', db_tasks.get_task(task.uuid).state)
        # Another conductor takes the job at once and runs the step again.
        self.start(workers=1)
        row = self.wait_for(task, timeout=10)
        self.assertEqual('succeeded', row.state, row.error)
        self.assertEqual(2, row.attempt)
        self.assertEqual(['one', 'two', 'two', 'three'], LOG[task.uuid])
        runs = [(e.event, e.state, e.details.get('attempt'))
                for e in db_tasks.list_events(task.uuid)]
        self.assertEqual([('one', 'started', 1), ('one', 'succeeded', 1),
                          ('two', 'started', 1), ('two', 'started', 2),
                          ('two', 'succeeded', 2), ('three', 'started', 2),
                          ('three', 'succeeded', 2)], runs)
        self.wait_board_empty()

    def test_stop_waits_for_a_step_that_ends_in_time(self):
        svc = service.ConductorService(
            async_conf.CONF, workers=1, persistence=self.persistence,
            board_factory=self.open_board, host='testhost')
        svc.start()
        self.addCleanup(svc.stop, 1)
        task = self.submit(self.make_node(), operation='node.three')
        HANG[task.uuid] = {'two': 1}
        self.running(task, 'two')
        threading.Timer(0.3, GATE.set).start()
        self.assertTrue(svc.stop(10))
        # The step ended within the grace: the flow stopped after it.
        self.assertEqual(['one', 'two'], LOG[task.uuid])
        job = next(iter(self.poster.iterjobs()))
        self.assertIsNone(self.poster.find_owner(job))
        self.start(workers=1)
        row = self.wait_for(task)
        self.assertEqual('succeeded', row.state, row.error)
        self.assertEqual(['one', 'two', 'three'], LOG[task.uuid])
