import datetime

import fixtures
import jsonschema
import networkx
import taskflow.engines
from taskflow import exceptions
from taskflow import flow as tf_flow
from taskflow.patterns import graph_flow

import async_api
from async_api.common import exception
from async_api.baremetal.db import nodes as db_nodes
from async_api.db import tasks as db_tasks
from async_api.baremetal.drivers import base as driver_base
from async_api.baremetal.drivers import fake
from async_api.operations import registry
from async_api.tasks import submit
from async_api.tests import base as test_base
from async_api.tests.unit.flows import base
from flows import common
from flows import power


class TestOperation(test_base.TestCase):

    def test_definition(self):
        op = power.SET_POWER_STATE
        self.assertIsInstance(op, registry.Operation)
        self.assertEqual('node.set_power_state', op.name)
        self.assertEqual('node', op.resource_type)
        self.assertEqual('flows.power:set_power_state_flow_v3',
                         op.flow_factory)
        module, _, function = op.flow_factory.partition(':')
        self.assertEqual(power.__name__, module)
        self.assertTrue(callable(getattr(power, function)))

    def test_schema(self):
        schema = power.SET_POWER_STATE.schema
        jsonschema.Draft202012Validator.check_schema(schema)
        for target in ('on', 'off', 'reboot'):
            submit.validate_params(power.SET_POWER_STATE, {'target': target})
        for bad in ({}, {'target': 'sideways'}, {'target': 1},
                    {'target': 'on', 'force': True}):
            self.assertRaises(exception.InvalidParameter,
                              submit.validate_params,
                              power.SET_POWER_STATE, bad)


def _tasks(flow):
    """The tasks of ``flow``, looking inside its retried subflows."""
    for node, _ in flow.iter_nodes():
        if isinstance(node, tf_flow.Flow):
            yield from _tasks(node)
        else:
            yield node


class _FlowShape:
    """Octavia style: the flow's inputs, outputs and order are fixed."""

    def setUp(self):
        super().setUp()
        self.flow = self.factory()
        self.atoms = {atom.name: atom for atom in _tasks(self.flow)}

    def test_flow(self):
        self.assertIsInstance(self.flow, graph_flow.Flow)
        self.assertEqual({'task_uuid', 'resource_uuid'}, self.flow.requires)
        self.assertEqual({'driver_name', 'target', 'previous_power_state',
                          'result'}, self.flow.provides)
        self.assertEqual(3, len(self.flow))

    def test_atoms(self):
        expected = {
            'power-load-node': ({'resource_uuid', 'task_uuid'},
                                {'driver_name', 'target',
                                 'previous_power_state'}),
            'power-set-state': ({'task_uuid', 'resource_uuid', 'driver_name',
                                 'target', 'previous_power_state'}, set()),
            'power-verify-state': ({'task_uuid', 'resource_uuid',
                                    'driver_name', 'target'}, {'result'}),
        }
        self.assertEqual(set(expected), set(self.atoms))
        for name, (requires, provides) in expected.items():
            self.assertEqual(requires, set(self.atoms[name].requires), name)
            self.assertEqual(provides, set(self.atoms[name].provides), name)

    def test_order(self):
        engine = taskflow.engines.load(
            self.flow, store={'task_uuid': 't', 'resource_uuid': 'r'},
            engine='serial')
        engine.compile()
        graph = engine.compilation.execution_graph
        names = {node.name: node for node in graph.nodes}

        def before(a, b):
            return networkx.has_path(graph, names[a], names[b])

        # power-load-node runs first, so its revert runs last.
        for name in self.atoms:
            if name != 'power-load-node':
                self.assertTrue(before('power-load-node', name), name)
        self.assertTrue(before('power-set-state', 'power-verify-state'))


class TestFlowShape(_FlowShape, test_base.TestCase):

    factory = staticmethod(power.set_power_state_flow_v3)

    def test_bmc_steps_retry_by_themselves(self):
        # No retry controller: three atoms for the engine, not five.
        for node, _ in self.flow.iter_nodes():
            self.assertNotIsInstance(node, tf_flow.Flow)
        self.assertEqual(
            {'power-set-state', 'power-verify-state'},
            {atom.name for atom in self.atoms.values()
             if isinstance(atom.execute, common.BMCAttempts)})


class TestFlowShapeV2(_FlowShape, test_base.TestCase):
    """The flow of the jobs of the release before: the same steps, the
    BMC ones each in a subflow with a retry controller."""

    factory = staticmethod(power.set_power_state_flow_v2)

    def test_bmc_steps_retry_through_retry_controllers(self):
        retried = {}
        for node, _ in self.flow.iter_nodes():
            if isinstance(node, tf_flow.Flow):
                self.assertIsInstance(node.retry, common.BMCRetry)
                retried.update(
                    {atom.name: node.retry for atom in _tasks(node)})
        self.assertEqual({'power-set-state', 'power-verify-state'},
                         set(retried))


def _boom(*args, **kwargs):
    raise common.OperationError('boom')


class TestPowerFlow(base.FlowTestCase):
    """The flow run by a real engine against the database."""

    def run_flow(self, task, engine='serial'):
        engine = taskflow.engines.load(power.set_power_state_flow_v3(),
                                       store=self.store(task), engine=engine)
        engine.run()
        return engine

    def assertFlowFails(self, exc_cls, task):
        # Steps that run side by side may all fail: TaskFlow then raises
        # every failure at once.
        try:
            self.run_flow(task)
        except exceptions.WrappedFailure as e:
            for failure in e:
                self.assertTrue(failure.check(exc_cls), failure)
        except exc_cls:
            pass
        else:
            self.fail('The flow did not fail')

    def hardware(self, node):
        return fake.FakeDriver().power.get_power_state(node)

    def test_power_on(self):
        node = self.make_node()
        task = self.make_task(node, 'on')
        engine = self.run_flow(task)
        self.assertEqual({'power_state': 'on'},
                         engine.storage.fetch('result'))
        node = db_nodes.get_node(node.uuid)
        self.assertEqual('on', node.power_state)
        self.assertIsNone(node.target_power_state)
        self.assertEqual('in_sync', node.sync_state)
        self.assertEqual(task.uuid, node.last_task_uuid)
        self.assertEqual('on', self.hardware(node))

    def test_transient_bmc_errors_are_retried(self):
        self.config(bmc_retries=2, bmc_retry_delay=0.01, group='hardware')
        node = self.make_node(fake_transient={'set_power_state': 2})
        self.run_flow(self.make_task(node, 'on'))
        node = db_nodes.get_node(node.uuid)
        self.assertEqual('on', self.hardware(node))
        self.assertEqual(2, node.extra['fake_transient_failures'][
            'set_power_state'])

    def test_power_off_parallel_engine(self):
        node = self.make_node(fake_power_state='on')
        self.run_flow(self.make_task(node, 'off'), engine='parallel')
        self.assertEqual('off', db_nodes.get_node(node.uuid).power_state)

    def test_reboot(self):
        node = self.make_node()
        self.run_flow(self.make_task(node, 'reboot'))
        self.assertEqual('on', db_nodes.get_node(node.uuid).power_state)

    def test_already_there_makes_no_call(self):
        # Idempotent: a resumed set-state finds the work done.
        node = self.make_node(fake_power_state='on',
                              fake_fail=['set_power_state'])
        self.run_flow(self.make_task(node, 'on'))
        self.assertEqual('on', db_nodes.get_node(node.uuid).power_state)

    def test_failing_step_reverts(self):
        node = self.make_node(fake_fail=['set_power_state'])
        task = self.make_task(node, 'on')
        self.assertRaises(driver_base.DriverError, self.run_flow, task)
        node = db_nodes.get_node(node.uuid)
        self.assertEqual('off', node.power_state)
        self.assertEqual('off', self.hardware(node))
        self.assertIsNone(node.target_power_state)
        self.assertEqual('in_sync', node.sync_state)
        self.assertIn('power-set-state failed', node.last_error)

    def test_verify_timeout_restores(self):
        # The BMC accepts the request and ignores it.
        node = self.make_node(fake_no_effect=True)
        self.assertRaises(common.StepTimedOut, self.run_flow,
                          self.make_task(node, 'on'))
        node = db_nodes.get_node(node.uuid)
        self.assertEqual('off', node.power_state)
        self.assertIn('did not reach power state on', node.last_error)

    def test_revert_restores_after_late_failure(self):
        # The state changed, then verify failed: revert powers back off.
        node = self.make_node()
        task = self.make_task(node, 'on')
        self.useFixture(fixtures.MonkeyPatch(
            'flows.power.VerifyPowerState.execute',
            _boom))
        self.assertRaises(common.OperationError, self.run_flow, task)
        node = db_nodes.get_node(node.uuid)
        self.assertEqual('off', self.hardware(node))
        self.assertEqual('off', node.power_state)

    def test_failing_revert(self):
        node = self.make_node(fake_fail=['set_power_state'],
                              fake_fail_revert=True)
        task = self.make_task(node, 'on')
        self.assertRaises(driver_base.DriverError, self.run_flow, task)
        node = db_nodes.get_node(node.uuid)
        # The guard's revert did not run: the conductor marks the node.
        self.assertEqual('syncing', node.sync_state)
        self.assertEqual('on', node.target_power_state)

    def count_calls(self, owner, name):
        """A mock counting calls to ``owner.name``, which still runs."""
        return self.useFixture(fixtures.MockPatchObject(
            owner, name, autospec=True,
            side_effect=getattr(owner, name))).mock

    def test_power_on_two_bmc_calls_one_read(self):
        # The set and its verification, as Ironic makes; the task row and
        # the node are read once for the whole run.
        node = self.make_node()
        task = self.make_task(node, 'on')
        bmc = [self.count_calls(fake.FakePower, name)
               for name in ('get_power_state', 'set_power_state',
                            'reboot')]
        task_reads = self.count_calls(async_api, 'get_task')
        node_reads = self.count_calls(common.db_nodes, 'get_node')
        hardware_reads = self.count_calls(fake.FakePower, '_hardware_state')
        self.run_flow(task)
        self.assertEqual([1, 1, 0], [m.call_count for m in bmc])
        self.assertEqual(1, task_reads.call_count)
        # The simulated hardware lives in the node row: the fake BMC
        # reads it on each read and each set; the flow once.
        self.assertEqual(1 + hardware_reads.call_count + bmc[1].call_count,
                         node_reads.call_count)
        self.assertEqual('on', self.hardware(node))

    def test_already_there_reads_once(self):
        node = self.make_node(fake_power_state='on')
        bmc = [self.count_calls(fake.FakePower, name)
               for name in ('get_power_state', 'set_power_state')]
        self.run_flow(self.make_task(node, 'on'))
        self.assertEqual([2, 0], [m.call_count for m in bmc])

    def test_unrecorded_state_is_read_once_and_restored(self):
        # A node no power sync has read: the state before is read from
        # the hardware, once, so that a revert can restore it.
        node = db_nodes.create_node({'driver': 'fake', 'driver_info': {}})
        self.assertIsNone(node.power_state)
        reads = self.count_calls(fake.FakePower, 'get_power_state')
        self.run_flow(self.make_task(node, 'on'))
        self.assertEqual(2, reads.call_count)
        other = db_nodes.create_node({'driver': 'fake', 'driver_info': {}})
        self.useFixture(fixtures.MonkeyPatch(
            'flows.power.VerifyPowerState.execute', _boom))
        self.assertRaises(common.OperationError, self.run_flow,
                          self.make_task(other, 'on'))
        self.assertEqual('off', self.hardware(other))
        self.assertEqual('off', db_nodes.get_node(other.uuid).power_state)

    def test_cancel_stops_at_step_boundary(self):
        node = self.make_node()
        task = self.make_task(node, 'on')
        db_tasks.update_task(task.uuid, {'cancel_requested': True})
        self.assertFlowFails(common.OperationCancelled, task)
        self.assertEqual('off', self.hardware(node))

    def test_operation_timeout(self):
        node = self.make_node()
        task = self.make_task(node, 'on', started_at=datetime.datetime(
            2000, 1, 1))
        self.assertFlowFails(common.OperationTimedOut, task)
