"""Fencing: once a task is taken up again, the old run's writes fail."""

import time
from unittest import mock

import sqlalchemy as sa
from taskflow.conductors.backends import impl_blocking

from async_api.conductor import service
from async_api.db import tasks as db_tasks
from async_api.common import states
from async_api.tests import db_helpers
from async_api.tests.unit.conductor import test_service
from async_api.tests.unit.flows import base


class TestClaimTask(base.FlowTestCase):

    def test_epoch_moves_on_and_fences_writes(self):
        task = self.make_task(self.make_node())
        self.assertEqual(1, db_tasks.claim_task(task.uuid, 'job-1'))
        self.assertEqual(2, db_tasks.claim_task(task.uuid, 'job-1'))
        db_tasks.update_task(task.uuid, {'step': 'x'}, fence=2)
        db_helpers.add_event(task.uuid, 'x', 'started', fence=2)
        self.assertRaises(db_tasks.FencedOff, db_tasks.update_task,
                          task.uuid, {'step': 'y'}, fence=1)
        self.assertRaises(db_tasks.FencedOff, db_helpers.add_event,
                          task.uuid, 'y', 'started', fence=1)
        self.assertEqual('x', db_tasks.get_task(task.uuid).step)
        self.assertEqual(['x'], [e.event for e in
                                 db_tasks.list_events(task.uuid)])

    def test_other_job_or_finished_task_is_refused(self):
        task = self.make_task(self.make_node())
        db_tasks.claim_task(task.uuid, 'job-1')
        self.assertIsNone(db_tasks.claim_task(task.uuid, 'job-2'))
        db_tasks.update_task(task.uuid, {'state': states.SUCCEEDED})
        self.assertIsNone(db_tasks.claim_task(task.uuid, 'job-1'))
        queued = self.make_task(self.make_node(), state=states.QUEUED)
        self.assertIsNone(db_tasks.claim_task(queued.uuid, 'job-3'))


class TestStaleEngine(test_service.ServiceTestCase):

    def test_stale_run_stops_and_the_task_ends_once(self):
        self.start(workers=1)
        node = self.make_node(fake_delay={'set_power_state': 0.6})
        task = self.submit(node)
        deadline = time.monotonic() + 10
        while db_tasks.get_task(task.uuid).step != 'power-set-state':
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.01)
        # Someone else took the task up (as after a lost claim).
        with self.db.database.engine.begin() as conn:
            conn.execute(sa.text('UPDATE async_api_tasks SET claim_epoch = '
                                 'claim_epoch + 1 WHERE uuid = :u'),
                         {'u': task.uuid})
        row = self.wait_for(task)
        self.assertEqual('succeeded', row.state, row.error)
        # The stale run was stopped; the job went back to the board and
        # was taken up again (a new epoch, a second attempt).
        self.assertEqual(2, row.attempt)
        self.assertEqual(3, row.claim_epoch)
        events = [(e.event, e.state)
                  for e in db_tasks.list_events(task.uuid)]
        self.assertEqual(1, events.count(('power-set-state', 'started')))
        self.assertEqual(1, events.count(('power-verify-state', 'started')))
        self.wait_board_empty()


class TestRefusedLastWrite(base.FlowTestCase):

    def test_job_is_left_and_task_not_failed(self):
        # The run's held last transaction is refused when it is written:
        # another conductor has the task now.
        task = self.make_task(self.make_node())
        conductor = service.TaskConductor('c-1', mock.Mock(), host='h')
        job = mock.Mock(uuid='job-1', details={'task_uuid': task.uuid})
        with mock.patch.object(impl_blocking.BlockingConductor,
                               '_dispatch_job',
                               side_effect=db_tasks.FencedOff('moved')):
            self.assertFalse(conductor._dispatch(job))
        self.assertEqual(states.PENDING, db_tasks.get_task(task.uuid).state)
