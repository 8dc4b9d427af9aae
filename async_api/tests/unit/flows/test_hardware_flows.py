"""Boot device, provision and validate flows, with the fake driver."""

import fixtures
import taskflow.engines
from taskflow.persistence.backends import impl_memory
from taskflow.utils import persistence_utils

from async_api.conductor import deadlines
from async_api.conductor import listeners
from async_api.baremetal.db import nodes as db_nodes
from async_api.db import tasks as db_tasks
from async_api.baremetal.drivers import base as driver_base
from async_api.operations import registry
from async_api.common import states
from async_api.tasks import boundary
from async_api.tests import db_helpers
from async_api.tests.unit.flows import base
from flows import boot_device
from flows import common
from flows import provision
from flows import validate


class HardwareFlowTestCase(base.FlowTestCase):

    def setUp(self):
        super().setUp()
        for operation in (boot_device.SET_BOOT_DEVICE, provision.DEPLOY,
                          provision.TEAR_DOWN, validate.VALIDATE):
            registry.register(operation)
        self.config(bmc_retries=2, bmc_retry_delay=0.01, group='hardware')
        self.useFixture(fixtures.MonkeyPatch(
            'flows.provision.VERIFY_INTERVAL', 0.02))
        self.useFixture(fixtures.MonkeyPatch(
            'flows.provision.VERIFY_TIMEOUT', 1.0))

    def task_for(self, node, operation, params):
        return db_helpers.create_task({
            'operation': operation.name, 'resource_type': 'node',
            'resource_uuid': node.uuid, 'state': states.RUNNING,
            'params': params})

    def run_flow(self, factory, task):
        engine = taskflow.engines.load(factory(), store=self.store(task),
                                       engine='serial')
        engine.run()
        return engine


class TestBootDevice(HardwareFlowTestCase):

    def test_sets_and_verifies(self):
        node = self.make_node()
        task = self.task_for(node, boot_device.SET_BOOT_DEVICE,
                             {'boot_device': 'pxe', 'persistent': True})
        engine = self.run_flow(boot_device.set_boot_device_flow_v2, task)
        self.assertEqual({'boot_device': 'pxe', 'persistent': True},
                         engine.storage.fetch('result'))
        self.assertEqual('pxe', db_nodes.get_node(node.uuid).extra[
            'fake_hardware_boot']['boot_device'])

    def test_transient_errors_are_retried(self):
        node = self.make_node(fake_transient={'set_boot_device': 2})
        task = self.task_for(node, boot_device.SET_BOOT_DEVICE,
                             {'boot_device': 'cdrom'})
        self.run_flow(boot_device.set_boot_device_flow_v2, task)
        extra = db_nodes.get_node(node.uuid).extra
        self.assertEqual('cdrom', extra['fake_hardware_boot']['boot_device'])
        self.assertEqual(2, extra['fake_transient_failures'][
            'set_boot_device'])

    def test_retries_run_out_and_the_flow_reverts(self):
        node = self.make_node(fake_transient={'set_boot_device': 9})
        task = self.task_for(node, boot_device.SET_BOOT_DEVICE,
                             {'boot_device': 'cdrom'})
        self.assertRaises(driver_base.TransientDriverError, self.run_flow,
                          boot_device.set_boot_device_flow_v2, task)
        row = db_nodes.get_node(node.uuid)
        # One attempt and two retries.
        self.assertEqual(3, row.extra['fake_transient_failures'][
            'set_boot_device'])
        self.assertIn('transient failure', row.last_error)

    def test_hard_errors_are_not_retried(self):
        node = self.make_node(fake_fail=['set_boot_device'])
        task = self.task_for(node, boot_device.SET_BOOT_DEVICE,
                             {'boot_device': 'pxe'})
        self.assertRaises(driver_base.DriverError, self.run_flow,
                          boot_device.set_boot_device_flow_v2, task)
        self.assertNotIn('fake_hardware_boot',
                         db_nodes.get_node(node.uuid).extra)


class TestProvision(HardwareFlowTestCase):

    def test_deploy_then_tear_down(self):
        node = self.make_node()
        task = self.task_for(node, provision.DEPLOY, {'target': 'active'})
        engine = self.run_flow(provision.deploy_flow_v2, task)
        self.assertEqual('active',
                         engine.storage.fetch('result')['provision_state'])
        row = db_nodes.get_node(node.uuid)
        self.assertEqual(('active', 'on', 'in_sync'),
                         (row.provision_state, row.power_state,
                          row.sync_state))
        self.assertEqual('pxe', row.extra['fake_hardware_boot'][
            'boot_device'])

        task = self.task_for(node, provision.TEAR_DOWN,
                             {'target': 'deleted'})
        self.run_flow(provision.tear_down_flow_v2, task)
        row = db_nodes.get_node(node.uuid)
        self.assertEqual(('available', 'off'),
                         (row.provision_state, row.power_state))
        self.assertEqual('disk', row.extra['fake_hardware_boot'][
            'boot_device'])

    def test_pre_check_failure_fails_without_touching_hardware(self):
        node = self.make_node()
        task = self.task_for(node, provision.TEAR_DOWN,
                             {'target': 'deleted'})
        error = self.assertRaises(common.PreCheckFailed, self.run_flow,
                                  provision.tear_down_flow_v2, task)
        self.assertIn('needs it active', str(error))
        row = db_nodes.get_node(node.uuid)
        self.assertEqual('available', row.provision_state)
        self.assertNotIn('fake_hardware_power', row.extra)

    def test_failed_power_cycle_reverts_to_available_and_off(self):
        node = self.make_node(fake_fail=['reboot'])
        task = self.task_for(node, provision.DEPLOY, {'target': 'active'})
        self.assertRaises(driver_base.DriverError, self.run_flow,
                          provision.deploy_flow_v2, task)
        row = db_nodes.get_node(node.uuid)
        self.assertEqual('available', row.provision_state)
        self.assertEqual('off', row.extra['fake_hardware_power'])
        self.assertEqual('disk', row.extra['fake_hardware_boot'][
            'boot_device'])
        self.assertIn('reboot', row.last_error)


class TestValidate(HardwareFlowTestCase):

    def test_result_is_stored(self):
        node = self.make_node()
        task = self.task_for(node, validate.VALIDATE, {})
        engine = self.run_flow(validate.validate_flow, task)
        result = engine.storage.fetch('result')
        self.assertTrue(result['power']['result'])
        self.assertTrue(result['management']['result'])
        row = db_nodes.get_node(node.uuid)
        self.assertEqual(result, row.validation)
        self.assertIsNotNone(row.validated_at)

    def test_failures_are_findings(self):
        node = self.make_node(fake_fail=['get_power_state'],
                              fake_boot_device='floppy')
        result = validate.validate_node(node)
        self.assertFalse(result['power']['result'])
        self.assertIn('get_power_state', result['power']['reason'])
        self.assertFalse(result['management']['result'])


class TestStepRetries(HardwareFlowTestCase):
    """BMC steps that retry by themselves, run as a conductor runs them:
    each step on a thread of its own that reports back to the engine's."""

    def run_reported(self, factory, task):
        backend = impl_memory.MemoryBackend({})
        _book, flow_detail = persistence_utils.temporary_flow_detail(backend)
        run = deadlines.RunDeadlines()
        engine = deadlines.load_engine(factory(), flow_detail, backend,
                                       'serial', {}, run)
        engine.storage.inject(self.store(task))
        reporter = listeners.TaskReporter(engine, task.uuid, host='c1')
        run.on_retry = reporter.step_retrying
        with reporter:
            engine.run()
        return db_tasks.list_events(task.uuid)

    def test_each_retry_is_an_event_of_the_step_and_nothing_reverts(self):
        node = self.make_node(fake_transient={'set_boot_device': 2})
        task = self.task_for(node, boot_device.SET_BOOT_DEVICE,
                             {'boot_device': 'pxe'})
        events = self.run_reported(boot_device.set_boot_device_flow_v2,
                                   task)
        retries = [e for e in events if e.state == 'retrying']
        self.assertEqual(['boot-set-device'] * 2,
                         [e.event for e in retries])
        self.assertEqual([2, 3], [e.details['retry'] for e in retries])
        # bmc_retry_delay, doubled for the second retry.
        self.assertEqual([0.01, 0.02], [e.details['delay'] for e in retries])
        self.assertEqual({'bmc_error'}, {e.details['code'] for e in retries})
        self.assertIn('Fake transient failure 1 of set_boot_device',
                      retries[0].details['message'])
        self.assertNotIn('reverting', [e.state for e in events])
        self.assertEqual(
            [('boot-set-device', 'started'), ('boot-set-device', 'retrying'),
             ('boot-set-device', 'retrying'),
             ('boot-set-device', 'succeeded')],
            [(e.event, e.state) for e in events
             if e.event == 'boot-set-device'])
        row = db_tasks.get_task(task.uuid)
        self.assertEqual((states.SUCCEEDED, 100), (row.state, row.progress))

    def test_a_plain_engine_retries_without_retry_events(self):
        # No conductor to tell: the step retries all the same.
        node = self.make_node(fake_transient={'set_boot_device': 1})
        task = self.task_for(node, boot_device.SET_BOOT_DEVICE,
                             {'boot_device': 'pxe'})
        engine = taskflow.engines.load(
            boot_device.set_boot_device_flow_v2(), store=self.store(task),
            engine='serial')
        with listeners.TaskReporter(engine, task.uuid, host='c1'):
            engine.run()
        events = [(e.event, e.state) for e in db_tasks.list_events(task.uuid)
                  if e.event == 'boot-set-device']
        self.assertEqual([('boot-set-device', 'started'),
                          ('boot-set-device', 'succeeded')], events)
        self.assertEqual(1, db_nodes.get_node(node.uuid).extra[
            'fake_transient_failures']['set_boot_device'])

    def test_a_cancel_stops_the_retries(self):
        node = self.make_node(fake_transient={'set_boot_device': 2})
        task = self.task_for(node, boot_device.SET_BOOT_DEVICE,
                             {'boot_device': 'pxe'})
        token = boundary.running(task.uuid)
        self.addCleanup(boundary.done, task.uuid, token)
        calls = []

        def fail_once_then_cancel(**kwargs):
            calls.append(kwargs)
            boundary.stop(task.uuid, 'cancelled by the test')
            raise driver_base.TransientDriverError('busy')

        execute = common.BMCAttempts('boot-set-device', fail_once_then_cancel,
                                     2, 0.0)
        self.assertRaises(boundary.TaskCancelled, execute,
                          task_uuid=task.uuid)
        # No second attempt once the task was cancelled.
        self.assertEqual(1, len(calls))


class TestRetriedTaskState(HardwareFlowTestCase):
    """A retry shows as running again, not as a task on its way out: the
    flow of the jobs of earlier releases, whose BMC steps retry through
    TaskFlow retry controllers."""

    def test_task_runs_again_after_a_retry(self):
        node = self.make_node(fake_transient={'set_boot_device': 1})
        task = self.task_for(node, boot_device.SET_BOOT_DEVICE,
                             {'boot_device': 'pxe'})
        engine = taskflow.engines.load(
            boot_device.set_boot_device_flow(), store=self.store(task),
            engine='serial')
        seen = []

        def record(state, details):
            seen.append(db_tasks.get_task(task.uuid).state)

        with listeners.TaskReporter(engine, task.uuid, host='c1'):
            engine.atom_notifier.register('RUNNING', record)
            engine.run()
        event_states = [e.state for e in db_tasks.list_events(task.uuid)]
        self.assertIn('reverting', event_states)
        self.assertIn('retrying', event_states)
        # Each step that started, the retried one included, found the
        # task running.
        self.assertEqual({states.RUNNING}, set(seen))
        self.assertEqual(states.SUCCEEDED,
                         db_tasks.get_task(task.uuid).state)
