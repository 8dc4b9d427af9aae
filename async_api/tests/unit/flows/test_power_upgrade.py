"""A power job an earlier release posted resumes after an upgrade.

A job names its flow factory; a conductor rebuilds that flow and resumes
it from the progress saved under the steps' names. The power flow of this
release has other steps, so jobs posted before keep the first flow
(``flows.power:set_power_state_flow``, kept in :mod:`flows.power_v1`)
while new ones name the newest (``set_power_state_flow_v3``).
"""

import contextlib
import importlib

import fixtures
import taskflow.engines
from taskflow.persistence.backends import impl_memory
from taskflow.persistence import models
from taskflow import states as tf_states

from async_api.baremetal.db import nodes as db_nodes
from async_api.baremetal.drivers import fake
from async_api.tests.unit.flows import base

#: The factory name power jobs of earlier releases carry.
EARLIER = 'flows.power:set_power_state_flow'


def _factory(name):
    """Resolve a factory the way a conductor does, by its dotted name."""
    module, _, function = name.partition(':')
    return getattr(importlib.import_module(module), function)


class TestEarlierPowerJobs(base.FlowTestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.MonkeyPatch(
            'flows.power_v1.VERIFY_TIMEOUT', 2.0))
        self.useFixture(fixtures.MonkeyPatch(
            'flows.power_v1.VERIFY_INTERVAL', 0.02))
        self.backend = impl_memory.MemoryBackend()
        self.book = models.LogBook('jobs')
        self.detail = models.FlowDetail(
            'node-set-power-state', uuid='f1e2d3c4-0000-4000-8000-0000000001')
        self.book.add(self.detail)
        with contextlib.closing(self.backend.get_connection()) as conn:
            conn.save_logbook(self.book)

    def engine(self, factory_name, task):
        return taskflow.engines.load(
            _factory(factory_name)(), flow_detail=self.detail,
            book=self.book, backend=self.backend, store=self.store(task),
            engine='serial')

    def test_half_run_job_resumes_with_its_own_flow(self):
        node = self.make_node()
        task = self.make_task(node, 'on')
        first = self.engine(EARLIER, task)

        def stop_after_reading(state, details):
            # As a conductor of the earlier release that stopped there.
            if (details.get('task_name') == 'power-get-state'
                    and state == tf_states.SUCCESS):
                first.suspend()

        first.atom_notifier.register(tf_states.SUCCESS, stop_after_reading)
        first.run()
        self.assertEqual(tf_states.SUSPENDED, first.storage.get_flow_state())
        self.assertEqual('off', fake.FakeDriver().power.get_power_state(
            db_nodes.get_node(node.uuid)))

        resumed = self.engine(EARLIER, task)
        resumed.run()
        self.assertEqual(tf_states.SUCCESS, resumed.storage.get_flow_state())
        self.assertEqual({'power_state': 'on'},
                         resumed.storage.fetch('result'))
        node = db_nodes.get_node(node.uuid)
        self.assertEqual(('on', None), (node.power_state,
                                        node.target_power_state))
        self.assertEqual('on', fake.FakeDriver().power.get_power_state(node))

    def test_new_jobs_name_the_new_flow(self):
        from flows import power
        self.assertEqual('flows.power:set_power_state_flow_v3',
                         power.SET_POWER_STATE.flow_factory)
        self.assertIsNot(_factory(EARLIER), power.set_power_state_flow_v3)
