"""The conductor service end to end: submit, SQL jobboard, engine, report."""

import threading
import time

import fixtures
from oslo_context import context as oslo_context
from oslo_db import exception as db_exc
from oslo_utils import uuidutils
import sqlalchemy as sa
from taskflow.persistence.backends import impl_memory

from async_api.conductor import service
from async_api.baremetal import conf as async_conf
from async_api.baremetal.db import nodes as db_nodes
from async_api.db import tasks as db_tasks
from async_api.jobboard import board as sql_board
from async_api.operations import registry
from async_api.common import states
from async_api.tasks import submit
from async_api.tests.unit.flows import base
from flows import power


class ServiceTestCase(base.FlowTestCase):
    """A SQL jobboard on the test database, posted to by submit()."""

    def setUp(self):
        super().setUp()
        self.config(host='testhost')
        self.config(poll_interval=0.05, group='async_api_jobboard')
        self.path = 'test-' + uuidutils.generate_uuid()[:8]
        self.persistence = self.make_persistence()
        self.addCleanup(self.persistence.close)
        # The accept path posts through the process-wide backends.
        self.poster = self.open_board(0, self.persistence)
        self.addCleanup(self.poster.close)
        self.useFixture(fixtures.MonkeyPatch(
            'async_api.persistence.factory._PERSISTENCE', self.persistence))
        self.useFixture(fixtures.MonkeyPatch(
            'async_api.jobboard.factory._BOARD', self.poster))
        self.context = oslo_context.RequestContext(project_id='p1')
        self.services = []

    def make_persistence(self):
        """The flows' persistence backend (in memory unless overridden)."""
        return impl_memory.MemoryBackend()

    def open_board(self, index, persistence, **conf):
        conf.setdefault('claim_expiry', 30)
        board = sql_board.SQLAlchemyJobBoard(
            'async_api', dict(conf, path=self.path),
            persistence=persistence, database=self.db.database)
        board.connect()
        return board

    def start(self, workers=2, board_factory=None):
        svc = service.ConductorService(
            async_conf.CONF, workers=workers, persistence=self.persistence,
            board_factory=board_factory or self.open_board, host='testhost')
        svc.start()
        self.addCleanup(svc.stop, 10)
        self.services.append(svc)
        return svc

    def submit(self, node, target='on', operation=power.SET_POWER_STATE.name):
        return submit.submit(self.context, operation, node.uuid,
                             {'target': target})

    def wait_for(self, task, states_=states.TERMINAL, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            row = db_tasks.get_task(task.uuid)
            if row.state in states_:
                return row
            time.sleep(0.02)
        self.fail('Task %s stayed %s' % (task.uuid, row.state))

    def wait_board_empty(self, timeout=10):
        deadline = time.monotonic() + timeout
        while self.poster.job_count and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertEqual(0, self.poster.job_count)


class TestConductorService(ServiceTestCase):

    def test_unique_names(self):
        svc = self.start(workers=3)
        names = [c.name for c in svc.conductors]
        self.assertEqual(3, len(set(names)))
        for index, name in enumerate(names):
            self.assertTrue(name.startswith('testhost-'), name)
            self.assertTrue(name.endswith('-%d' % index), name)

    def test_runs_jobs(self):
        self.start(workers=2)
        nodes = [self.make_node() for _ in range(4)]
        tasks = [self.submit(node) for node in nodes]
        self.assertTrue(all(t.job_uuid for t in tasks))
        for task in tasks:
            row = self.wait_for(task)
            self.assertEqual('succeeded', row.state, row.error)
            self.assertEqual({'power_state': 'on'}, row.result)
            self.assertEqual(1, row.attempt)
            self.assertEqual('testhost',
                             db_tasks.list_events(task.uuid)[0].host)
        for node in nodes:
            self.assertEqual('on', db_nodes.get_node(node.uuid).power_state)
        self.wait_board_empty()

    def test_failure_is_reported_and_consumed(self):
        self.start(workers=1)
        node = self.make_node(fake_fail=['set_power_state'])
        row = self.wait_for(self.submit(node))
        self.assertEqual('failed', row.state)
        self.assertEqual('driver_error', row.error['code'])
        self.wait_board_empty()
        self.assertEqual([], self.poster.trashed_jobs())

    def test_failing_revert_is_error(self):
        self.start(workers=1)
        node = self.make_node(fake_fail=['set_power_state'],
                              fake_fail_revert=True)
        row = self.wait_for(self.submit(node))
        self.assertEqual('error', row.state)
        self.assertEqual('error', db_nodes.get_node(node.uuid).sync_state)
        self.wait_board_empty()

    def test_finished_task_is_consumed_unrun(self):
        node = self.make_node()
        task = self.submit(node)
        db_tasks.update_task(task.uuid, {'state': states.CANCELLED})
        self.start(workers=1)
        self.wait_board_empty()
        self.assertEqual([], db_tasks.list_events(task.uuid))
        self.assertEqual('off', db_nodes.get_node(node.uuid).power_state)

    def test_unbuildable_flow_fails_its_task(self):
        broken = registry.Operation(
            name='node.broken', resource_type='node',
            schema={'type': 'object'},
            flow_factory='flows.power:no_such_factory')
        registry.register(broken)
        self.start(workers=1)
        row = self.wait_for(self.submit(self.make_node(),
                                        operation='node.broken'))
        self.assertEqual('failed', row.state)
        self.assertEqual('flow_load_failed', row.error['code'])
        self.wait_board_empty()
        self.assertEqual([], self.poster.trashed_jobs())

    def test_outage_abandons_for_another_attempt(self):
        real = db_tasks.claim_task_run
        calls = []

        def flaky(uuid, *args, **kwargs):
            # The conductor's first database call for the task (taking it
            # up) fails.
            if threading.current_thread().name.startswith('testhost-'):
                calls.append(uuid)
                if len(calls) == 1:
                    raise db_exc.DBConnectionError('database gone')
            return real(uuid, *args, **kwargs)

        self.useFixture(fixtures.MockPatch(
            'async_api.conductor.service.db_tasks.claim_task_run',
            side_effect=flaky))
        self.start(workers=1)
        row = self.wait_for(self.submit(self.make_node()))
        self.assertEqual('succeeded', row.state, row.error)
        self.assertGreaterEqual(len(calls), 2)
        self.wait_board_empty()
        self.assertEqual([], self.poster.trashed_jobs())

    def test_idle_workers_stop_at_once(self):
        # Idle workers sleep on the board far longer than this (only one
        # of them polls); stop() wakes them.
        svc = service.ConductorService(
            async_conf.CONF, workers=8, persistence=self.persistence,
            board_factory=self.open_board, host='testhost')
        svc.start()
        time.sleep(0.3)
        started = time.monotonic()
        self.assertTrue(svc.stop(30))
        self.assertLess(time.monotonic() - started, 5)

    def test_stop_suspends_and_another_conductor_resumes(self):
        svc = service.ConductorService(
            async_conf.CONF, workers=1, persistence=self.persistence,
            board_factory=self.open_board, host='testhost')
        svc.start()
        node = self.make_node(fake_delay={'set_power_state': 0.5})
        task = self.submit(node)
        deadline = time.monotonic() + 10
        while db_tasks.get_task(task.uuid).step != 'power-set-state':
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.01)
        # Stopping waits for the running step, then suspends the flow and
        # abandons its job.
        self.assertTrue(svc.stop(10))
        row = db_tasks.get_task(task.uuid)
        self.assertEqual('running', row.state)
        self.assertEqual(1, self.poster.job_count)
        self.start(workers=1)
        row = self.wait_for(task)
        self.assertEqual('succeeded', row.state, row.error)
        self.assertEqual(2, row.attempt)
        events = [(e.event, e.state)
                  for e in db_tasks.list_events(task.uuid)]
        # The finished step did not run again.
        self.assertEqual(1, events.count(('power-set-state', 'started')))
        self.assertEqual('on', db_nodes.get_node(node.uuid).power_state)
        self.wait_board_empty()


class TestClaims(ServiceTestCase):
    """Claims are renewed while a flow runs, and a lost one stops it."""

    def setUp(self):
        super().setUp()
        # Leases of 1 s that only the conductor's claim keeper renews.
        self.config(claim_expiry=1.0, group='async_api_jobboard')

    def lease_only_board(self, index, persistence):
        return self.open_board(index, persistence, claim_expiry=1.0,
                               auto_renew=False)

    def wait_step(self, task, step, timeout=10):
        deadline = time.monotonic() + timeout
        while db_tasks.get_task(task.uuid).step != step:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.01)

    def test_renewed_while_running(self):
        self.start(workers=1, board_factory=self.lease_only_board)
        node = self.make_node(fake_delay={'set_power_state': 2.0})
        task = self.submit(node)
        self.wait_step(task, 'power-set-state')
        time.sleep(1.2)
        # Past the first lease, the job is still ours.
        job = next(iter(self.poster.iterjobs()))
        self.assertIsNotNone(self.poster.find_owner(job))
        row = self.wait_for(task)
        self.assertEqual('succeeded', row.state, row.error)
        self.assertEqual(1, row.attempt)
        self.wait_board_empty()

    def test_failure_after_watching_lets_the_claim_go(self):
        # Compiling the flow may meet a database outage after the claim
        # is watched: the keeper must not go on renewing it for a run
        # that is over, or the job stays claimed for good.
        failed = []

        def guard(engine, task_uuid):
            failed.append(task_uuid)
            raise RuntimeError('the database is away')

        self.useFixture(fixtures.MockPatch(
            'async_api.tasks.boundary.guard', side_effect=guard))
        self.start(workers=1, board_factory=self.lease_only_board)
        node = self.make_node()
        self.submit(node)
        keeper = self.services[-1].claim_keeper
        deadline = time.monotonic() + 10
        while not failed:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.02)
        # Once the run is over, nothing is left being renewed.
        while keeper.claims():
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.02)

    def test_lost_claim_suspends_and_stops_reporting(self):
        self.start(workers=1, board_factory=self.lease_only_board)
        node = self.make_node(fake_delay={'set_power_state': 1.0})
        task = self.submit(node)
        self.wait_step(task, 'power-set-state')
        # Someone else claims the job (as after a lapsed lease): the
        # epoch moves on, so the running conductor's renewal is fenced off.
        with self.db.database.engine.begin() as conn:
            conn.execute(sa.text(
                "UPDATE async_api_jobboard_jobs SET owner='thief', "
                "epoch=epoch+1, claim_expires_at=claim_expires_at+60 "
                "WHERE board=:path"),
                {'path': self.path})
        # The conductor lets go of the job once its engine has stopped.
        keeper = self.services[-1].claim_keeper
        deadline = time.monotonic() + 10
        while keeper.claims():
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.02)
        events = [(e.event, e.state)
                  for e in db_tasks.list_events(task.uuid)]
        # The flow stopped after the running step; nothing after the loss
        # was reported, and the thief's job is left alone.
        self.assertIn(('power-set-state', 'started'), events)
        self.assertNotIn(('power-set-state', 'succeeded'), events)
        self.assertNotIn(('power-verify-state', 'started'), events)
        self.assertEqual('running', db_tasks.get_task(task.uuid).state)
        self.assertEqual(1, self.poster.job_count)
        self.assertEqual('thief', next(iter(self.poster.iterjobs())).owner)
