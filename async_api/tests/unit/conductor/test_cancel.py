"""Cancel, per task state, with real conductors on the SQL board."""

import threading
import time

import fixtures
from oslo_context import context as oslo_context
from taskflow.patterns import linear_flow
from taskflow import task as tf_task

from async_api.baremetal.db import nodes as db_nodes
from async_api.baremetal.drivers import fake
from async_api.common import exception
from async_api.common import states
from async_api.conductor import periodics
from async_api.db import lanes as db_lanes
from async_api.db import cancels as db_cancels
from async_api.db import tasks as db_tasks
from async_api.operations import registry
from async_api.tasks import boundary
from async_api.tasks import cancel
from async_api.tests.unit.conductor import test_service
from flows import power

ASKER = oslo_context.RequestContext(user_id='u1', project_id='p1',
                                    request_id='req-1')


#: What the steps of :func:`plain_flow` did, in order.
DONE = []


class _Step(tf_task.Task):
    """A step that knows nothing of cancels: no check of its own."""

    def __init__(self, name, delay=0.0):
        super().__init__(name=name)
        self.delay = delay

    def execute(self, task_uuid):
        DONE.append(('execute', self.name))
        time.sleep(self.delay)

    def revert(self, task_uuid, *args, **kwargs):
        DONE.append(('revert', self.name))


def plain_flow():
    return linear_flow.Flow('plain').add(
        _Step('plain-slow', delay=1.0), _Step('plain-next'),
        _Step('plain-last'))


PLAIN = registry.Operation(
    name='node.plain', resource_type='node', schema={'type': 'object'},
    flow_factory='async_api.tests.unit.conductor.test_cancel:plain_flow')


def cancel_events(task_uuid):
    return [e for e in db_tasks.list_events(task_uuid)
            if e.event == db_cancels.CANCEL_EVENT]


class TestCancelWaiting(test_service.ServiceTestCase):
    """Queued and pending tasks end at once; nothing else changes."""

    def test_cancel_pending_ends_it_and_its_job_is_consumed_unrun(self):
        node = self.make_node()
        task = self.submit(node)
        self.assertEqual(states.PENDING, task.state)
        row = cancel.cancel(ASKER, task.uuid)
        self.assertEqual(states.CANCELLED, row.state)
        self.assertIsNotNone(row.finished_at)
        self.assertEqual('cancelled', row.error['code'])
        self.assertIn('user u1', row.error['message'])
        self.assertIn('req-1', row.error['message'])
        self.assertEqual(0, db_lanes.count(node.uuid))
        [event] = db_tasks.list_events(task.uuid)
        self.assertEqual(('cancel', 'requested'), (event.event, event.state))
        self.assertEqual({'user_id': 'u1', 'project_id': 'p1',
                          'request_id': 'req-1'}, event.details)
        # The job posted before the cancel is consumed, never run.
        self.start(workers=1)
        self.wait_board_empty()
        self.assertEqual([event.id], [e.id for e in
                                      db_tasks.list_events(task.uuid)])
        self.assertEqual('off', db_nodes.get_node(node.uuid).power_state)
        self.assertEqual(states.CANCELLED,
                         db_tasks.get_task(task.uuid).state)

    def test_cancel_queued_leaves_the_lane_in_order(self):
        node = self.make_node()
        first = self.submit(node)
        second = self.submit(node, target='off')
        third = self.submit(node, target='on')
        self.assertEqual(states.QUEUED, second.state)
        self.assertEqual(states.CANCELLED,
                         cancel.cancel(ASKER, second.uuid).state)
        # Behind the running head: nothing promoted yet.
        self.assertEqual(states.PENDING, db_tasks.get_task(first.uuid).state)
        self.assertEqual(states.QUEUED, db_tasks.get_task(third.uuid).state)
        self.assertEqual(2, db_lanes.count(node.uuid))
        self.start(workers=1)
        for task in (first, third):
            self.assertEqual(states.SUCCEEDED, self.wait_for(task).state)
        self.assertEqual(states.CANCELLED,
                         db_tasks.get_task(second.uuid).state)
        self.assertEqual([], [e for e in db_tasks.list_events(second.uuid)
                              if e.event != 'cancel'])

    def test_cancel_head_promotes_and_posts_the_next(self):
        node = self.make_node()
        first = self.submit(node)
        second = self.submit(node, target='on')
        self.assertEqual(states.QUEUED, second.state)
        cancel.cancel(ASKER, first.uuid)
        promoted = db_tasks.get_task(second.uuid)
        self.assertEqual(states.PENDING, promoted.state)
        self.assertIsNotNone(promoted.job_uuid)
        self.start(workers=1)
        self.assertEqual(states.SUCCEEDED, self.wait_for(second).state)

    def test_second_cancel_is_harmless(self):
        task = self.submit(self.make_node())
        first = cancel.cancel(ASKER, task.uuid)
        again = cancel.cancel(ASKER, task.uuid)
        self.assertEqual(states.CANCELLED, again.state)
        self.assertEqual(first.finished_at, again.finished_at)
        self.assertEqual(1, len(cancel_events(task.uuid)))

    def test_finished_task_is_a_conflict_and_unchanged(self):
        task = self.submit(self.make_node())
        db_tasks.update_task(task.uuid, {'state': states.SUCCEEDED})
        self.assertRaises(exception.TaskFinished, cancel.cancel, ASKER,
                          task.uuid)
        row = db_tasks.get_task(task.uuid)
        self.assertEqual(states.SUCCEEDED, row.state)
        self.assertFalse(row.cancel_requested)
        self.assertEqual([], cancel_events(task.uuid))

    def test_other_project_is_not_found(self):
        task = self.submit(self.make_node())
        self.assertRaises(exception.TaskNotFound, cancel.cancel, ASKER,
                          task.uuid, project_id='p2')
        self.assertEqual(states.PENDING, db_tasks.get_task(task.uuid).state)

    def test_waiting_task_of_a_non_cancellable_operation_is_cancelled(self):
        registry.register(registry.Operation(
            **dict(vars(power.SET_POWER_STATE), cancellable=False)))
        task = self.submit(self.make_node())
        self.assertEqual(states.CANCELLED,
                         cancel.cancel(ASKER, task.uuid).state)

    def test_taken_up_task_is_not_cancelled_at_once(self):
        # The race: a conductor takes the task up just before the cancel.
        node = self.make_node()
        task = self.submit(node)
        self.assertIsNotNone(db_tasks.claim_task(task.uuid, task.job_uuid))
        row = cancel.cancel(ASKER, task.uuid)
        self.assertEqual(states.PENDING, row.state)
        self.assertTrue(row.cancel_requested)
        self.assertEqual(1, db_lanes.count(node.uuid))
        # Whoever runs it stops before its first step, and reverts.
        self.start(workers=1)
        done = self.wait_for(task)
        self.assertEqual(states.CANCELLED, done.state, done.error)
        self.assertEqual('cancelled', done.error['code'])
        self.assertIn('user u1', done.error['message'])
        self.assertEqual('off', db_nodes.get_node(node.uuid).power_state)
        started = [e.event for e in db_tasks.list_events(task.uuid)
                   if e.state == 'started']
        self.assertEqual(1, len(started), started)
        self.wait_board_empty()


class TestCancelRunning(test_service.ServiceTestCase):
    """A running task stops at its next step and reverts."""

    def run_until_step(self, node, step='power-set-state'):
        self.start(workers=1)
        task = self.submit(node)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            row = db_tasks.get_task(task.uuid)
            if row.step == step:
                return task
            time.sleep(0.01)
        self.fail('Task %s never reached %s' % (task.uuid, step))

    def test_running_task_reverts_and_ends_cancelled(self):
        node = self.make_node(fake_delay={'set_power_state': 1.0})
        task = self.run_until_step(node)
        row = cancel.cancel(ASKER, task.uuid)
        self.assertEqual(states.RUNNING, row.state)
        self.assertTrue(row.cancel_requested)
        # This process runs it: its flag is set at once.
        self.assertTrue(boundary.stopping(task.uuid))
        done = self.wait_for(task)
        self.assertEqual(states.CANCELLED, done.state, done.error)
        self.assertEqual('cancelled', done.error['code'])
        # The next step, or set-state itself if the cancel beat the
        # flow's own check at the top of its execute.
        self.assertIn(done.error['step'],
                      ('power-verify-state', 'power-set-state'))
        self.assertIn('user u1', done.error['message'])
        events = db_tasks.list_events(task.uuid)
        set_state = [e.state for e in events if e.event == 'power-set-state']
        self.assertEqual('started', set_state[0])
        self.assertEqual(['reverting', 'reverted'], set_state[-2:])
        self.assertEqual(1, len(cancel_events(task.uuid)))
        # Reverted: the node is off again, and its lane is free.
        self.assertEqual('off', db_nodes.get_node(node.uuid).power_state)
        self.assertEqual(0, db_lanes.count(node.uuid))
        # The run forgets its flag when its dispatch ends, which is after
        # the final state is committed and before the job is consumed.
        self.wait_board_empty()
        self.assertFalse(boundary.stopping(task.uuid))

    def test_any_flow_stops_at_its_next_step(self):
        # Steps that never check for a cancel: the library stops them.
        registry.register(PLAIN)
        del DONE[:]
        self.start(workers=1)
        task = self.submit(self.make_node(), operation=PLAIN.name)
        deadline = time.monotonic() + 20
        while ('execute', 'plain-slow') not in DONE:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.01)
        # Asked from "another process": only the task row knows.
        db_cancels.request_cancel(task.uuid, {
            'event': 'cancel', 'state': 'requested', 'details': {}})
        done = self.wait_for(task)
        self.assertEqual(states.CANCELLED, done.state, done.error)
        self.assertEqual('plain-next', done.error['step'])
        # plain-next failed before it acted; TaskFlow reverts it too.
        self.assertEqual([('execute', 'plain-slow'),
                          ('revert', 'plain-next'),
                          ('revert', 'plain-slow')], DONE)

    def test_request_from_elsewhere_is_seen_at_the_next_step(self):
        # No in-process flag: the step start's report must see it. The
        # step is slow enough for the request to land while it runs,
        # even on a loaded machine.
        node = self.make_node(fake_delay={'set_power_state': 3.0})
        task = self.run_until_step(node)
        self.assertTrue(db_cancels.request_cancel(
            task.uuid, {'event': 'cancel', 'state': 'requested',
                        'details': {'user_id': 'u9'}}))
        done = self.wait_for(task)
        self.assertEqual(states.CANCELLED, done.state, done.error)
        self.assertIn('user u9', done.error['message'])
        self.assertEqual('off', db_nodes.get_node(node.uuid).power_state)

    def test_second_cancel_records_nothing_more(self):
        node = self.make_node(fake_delay={'set_power_state': 1.0})
        task = self.run_until_step(node)
        cancel.cancel(ASKER, task.uuid)
        again = cancel.cancel(ASKER, task.uuid)
        self.assertTrue(again.cancel_requested)
        self.assertEqual(1, len(cancel_events(task.uuid)))
        self.assertEqual(states.CANCELLED, self.wait_for(task).state)
        # Finished cancelled: the same answer, still one event.
        self.assertEqual(states.CANCELLED,
                         cancel.cancel(ASKER, task.uuid).state)
        self.assertEqual(1, len(cancel_events(task.uuid)))

    def test_non_cancellable_running_task_is_a_conflict(self):
        registry.register(registry.Operation(
            **dict(vars(power.SET_POWER_STATE), cancellable=False)))
        node = self.make_node(fake_delay={'set_power_state': 0.5})
        task = self.run_until_step(node)
        self.assertRaises(exception.TaskNotCancellable, cancel.cancel,
                          ASKER, task.uuid)
        self.assertEqual([], cancel_events(task.uuid))
        self.assertEqual(states.SUCCEEDED, self.wait_for(task).state)

    def test_failed_revert_ends_in_error(self):
        node = self.make_node(fake_delay={'set_power_state': 1.0},
                              fake_fail_revert=True)
        # Cancelled once the request is with the hardware: the revert
        # must undo it (a cancel seen before the step asks anything
        # leaves the hardware alone, and nothing fails).
        requested = threading.Event()
        real = fake.FakePower.set_power_state

        def set_power_state(power, node, state):
            requested.set()
            return real(power, node, state)

        self.useFixture(fixtures.MockPatchObject(
            fake.FakePower, 'set_power_state', set_power_state))
        task = self.run_until_step(node)
        self.assertTrue(requested.wait(30))
        cancel.cancel(ASKER, task.uuid)
        done = self.wait_for(task)
        self.assertEqual(states.ERROR, done.state, done.error)
        self.assertEqual('error', db_nodes.get_node(node.uuid).sync_state)

    def test_poll_sets_the_flag_of_tasks_run_here(self):
        node = self.make_node(fake_delay={'set_power_state': 1.0})
        task = self.run_until_step(node)
        db_cancels.request_cancel(task.uuid, {
            'event': 'cancel', 'state': 'requested', 'details': {}})
        self.assertFalse(boundary.stopping(task.uuid))
        self.assertEqual(1, periodics.poll_cancels())
        self.assertTrue(boundary.stopping(task.uuid))
        self.assertRaises(boundary.TaskCancelled, boundary.check_cancel,
                          task.uuid)
        self.assertEqual(states.CANCELLED, self.wait_for(task).state)
