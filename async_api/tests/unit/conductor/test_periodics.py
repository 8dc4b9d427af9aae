"""Conductor periodic tasks: power sync, validation, sharing, purge."""

import collections
import datetime
import time

from oslo_utils import timeutils

from async_api.baremetal import periodics
from async_api.conductor import periodics as library_periodics
from async_api.baremetal import conf as async_conf
from async_api.baremetal.db import nodes as db_nodes
from async_api.baremetal.db import sweeps
from async_api.idempotency import store
from async_api.common import states
from async_api.tests.unit.flows import base


class TestPeriodics(base.FlowTestCase):

    def setUp(self):
        super().setUp()
        self.tasks = periodics.PeriodicTasks(async_conf.CONF, host='c1')

    def test_power_sync_marks_out_of_sync_and_back(self):
        node = self.make_node(fake_power_state='on')
        db_nodes.update_node(node.uuid, {'power_state': 'on'})
        self.assertEqual({'nodes': 1, 'failed': 0},
                         {k: v for k, v in self.tasks.sync_power_states()
                          .items() if k != 'seconds'})
        self.assertEqual('in_sync', db_nodes.get_node(node.uuid).sync_state)
        # Someone pressed the power button.
        db_nodes.update_node(node.uuid, {'extra': {
            'fake_hardware_power': 'off'}})
        self.tasks.sync_power_states()
        row = db_nodes.get_node(node.uuid)
        self.assertEqual(('off', 'on', 'out_of_sync'),
                         (row.power_state, row.target_power_state,
                          row.sync_state))
        self.assertIn('expected on', row.last_error)
        # Still off: still out of sync (the expectation is kept).
        self.tasks.sync_power_states()
        self.assertEqual('out_of_sync',
                         db_nodes.get_node(node.uuid).sync_state)
        db_nodes.update_node(node.uuid, {'extra': {
            'fake_hardware_power': 'on'}})
        self.tasks.sync_power_states()
        row = db_nodes.get_node(node.uuid)
        self.assertEqual(('on', None, 'in_sync', None),
                         (row.power_state, row.target_power_state,
                          row.sync_state, row.last_error))

    def test_nodes_with_active_tasks_are_skipped(self):
        node = self.make_node(fake_power_state='on')
        db_nodes.update_node(node.uuid, {'extra': {
            'fake_hardware_power': 'off'}})
        self.make_task(node, state=states.RUNNING)
        result = self.tasks.sync_power_states()
        self.assertEqual(0, result['nodes'])
        self.assertEqual('on', db_nodes.get_node(node.uuid).power_state)

    def test_sync_failures_are_counted_not_raised(self):
        self.make_node(fake_fail=['get_power_state'])
        self.assertEqual(1, self.tasks.sync_power_states()['failed'])

    def test_validation_is_stored(self):
        node = self.make_node()
        self.tasks.validate_nodes()
        row = db_nodes.get_node(node.uuid)
        self.assertTrue(row.validation['power']['result'])
        self.assertIsNotNone(row.validated_at)

    def test_nodes_are_shared_among_live_conductors(self):
        for _ in range(40):
            self.make_node()
        others = [periodics.PeriodicTasks(async_conf.CONF, host='c%d' % i)
                  for i in (2, 3)]
        every = [self.tasks] + others
        for tasks in every:
            tasks.heartbeat()
        shares = [set(uuid for uuid, _ in tasks.my_nodes())
                  for tasks in every]
        counts = collections.Counter(u for share in shares for u in share)
        self.assertEqual(40, len(counts))
        self.assertEqual({1}, set(counts.values()))
        self.assertTrue(all(shares))
        # A conductor that stops: the others take its share at once.
        sweeps.unregister(others[1].name)
        together = (set(uuid for uuid, _ in self.tasks.my_nodes())
                    | set(uuid for uuid, _ in others[0].my_nodes()))
        self.assertEqual(40, len(together))

    def test_purge(self):
        store.begin(async_conf.CONF, 'p', 'k1', 'f' * 64)
        later = timeutils.utcnow() + datetime.timedelta(days=2)
        self.assertEqual(0, library_periodics.purge_idempotency_keys())
        self.assertEqual(1, store.purge_expired(now=later))

    def test_start_and_stop(self):
        self.config(power_sync_interval=0, validate_interval=0,
                    group='hardware')
        self.tasks.start()
        self.assertIn(self.tasks.name, sweeps.alive(60))
        self.tasks.stop()
        self.assertNotIn(self.tasks.name, sweeps.alive(60))

    def test_a_runner_stops_at_once(self):
        ran = []
        runner = library_periodics.PeriodicRunner(
            [(0.01, lambda: ran.append(True))])
        runner.start()
        deadline = time.monotonic() + 10
        while not ran and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertTrue(ran)
        started = time.monotonic()
        runner.stop()
        # A service stops its runners one after the other: each waited
        # for an idle pool thread to notice (a second) before.
        self.assertLess(time.monotonic() - started, 0.9)
