"""The reconciler: tasks the board lost are posted again, and run once."""

import time
from unittest import mock

from oslo_utils import timeutils
import sqlalchemy as sa

from async_api.conductor import reconciler
from async_api.baremetal import conf as async_conf
from async_api.db import lanes as db_lanes
from async_api.db import tasks as db_tasks
from async_api.tasks import posting
from async_api.common import states
from async_api.tests.unit.conductor import test_service
from flows import power


class TestReconciler(test_service.ServiceTestCase):

    def setUp(self):
        super().setUp()
        self.config(repost_after=0.2, group='async_api_lanes')
        self.reconciler = reconciler.Reconciler(async_conf.CONF,
                                                board=self.poster)

    def delete_jobs(self):
        with self.db.database.engine.begin() as conn:
            conn.execute(sa.text('DELETE FROM async_api_jobboard_jobs WHERE '
                                 'board = :path'), {'path': self.path})

    def test_nothing_to_do(self):
        task = self.submit(self.make_node())
        time.sleep(0.3)
        self.assertEqual(([], []), self.reconciler.run_once())
        self.assertEqual(task.job_uuid,
                         db_tasks.get_task(task.uuid).job_uuid)

    def test_reposts_a_lost_job_once(self):
        task = self.submit(self.make_node())
        self.delete_jobs()
        # Too recent: the poster may still be on its way.
        self.assertEqual(([], []), self.reconciler.run_once())
        time.sleep(0.3)
        other = reconciler.Reconciler(async_conf.CONF, board=self.poster)
        self.assertEqual(([], [task.uuid]), self.reconciler.run_once())
        # A second conductor's pass finds the job there.
        self.assertEqual(([], []), other.run_once())
        self.assertEqual(1, self.poster.job_count)
        self.start(workers=1)
        row = self.wait_for(task)
        self.assertEqual('succeeded', row.state, row.error)
        self.wait_board_empty()

    def test_posts_a_task_never_posted(self):
        # As if the API died between its commit and its post.
        with mock.patch.object(posting, 'post', side_effect=RuntimeError):
            task = self.submit(self.make_node())
        self.assertEqual(states.PENDING, task.state)
        self.assertIsNone(task.job_uuid)
        self.assertEqual(0, self.poster.job_count)
        time.sleep(0.3)
        self.assertEqual(([], [task.uuid]), self.reconciler.run_once())
        self.start(workers=1)
        self.assertEqual('succeeded', self.wait_for(task).state)

    def test_promotes_a_forgotten_head(self):
        node = self.make_node()
        first, second = self.submit(node), self.submit(node)
        self.assertEqual(states.QUEUED, second.state)
        # Finished by a conductor that died before moving the lane on.
        db_tasks.update_task(first.uuid, {'state': states.SUCCEEDED})
        self.assertEqual(([second.uuid], []), self.reconciler.run_once())
        self.assertEqual(states.PENDING,
                         db_tasks.get_task(second.uuid).state)
        self.assertEqual(2, self.poster.job_count)
        self.assertEqual([], db_lanes.unpromoted_heads())

    def test_running_task_whose_job_vanished(self):
        task = self.submit(self.make_node())
        db_tasks.update_task(task.uuid, {
            'state': states.RUNNING,
            'updated_at': timeutils.utcnow()})
        self.delete_jobs()
        time.sleep(0.3)
        self.assertEqual(([], [task.uuid]), self.reconciler.run_once())
        row = db_tasks.get_task(task.uuid)
        self.assertNotEqual(task.job_uuid, row.job_uuid)
        self.start(workers=1)
        row = self.wait_for(task)
        self.assertEqual('succeeded', row.state, row.error)
        self.assertEqual(1, row.claim_epoch)


class TestDuplicates(test_service.ServiceTestCase):

    def test_second_job_for_a_task_is_consumed_unrun(self):
        node = self.make_node()
        task = self.submit(node)
        # A slow poster and the reconciler both posted the task.
        posting.post(async_conf.CONF, task, power.SET_POWER_STATE)
        self.assertEqual(2, self.poster.job_count)
        self.start(workers=2)
        row = self.wait_for(task)
        self.assertEqual('succeeded', row.state, row.error)
        self.wait_board_empty()
        events = [(e.event, e.state) for e in db_tasks.list_events(task.uuid)]
        self.assertEqual(1, events.count(('power-set-state', 'started')))
        self.assertEqual(1, row.attempt)
