"""Posting a fresh task when the board, logbooks and tasks share a database.
"""

import contextlib

import fixtures
import sqlalchemy as sa
from taskflow import exceptions as tf_exc

from async_api.baremetal import conf as async_conf
from async_api.db import tasks as db_tasks
from async_api.persistence import backend as p_backend
from async_api.tasks import posting
from async_api.common import states
from async_api.tests.unit.conductor import test_service
from flows import power


class TestOneDatabase(test_service.ServiceTestCase):
    """The embedded default: one engine for the three."""

    def make_persistence(self):
        return p_backend.SQLBackend({}, engine=self.db.database.engine)

    def setUp(self):
        super().setUp()
        engine = self.db.database.engine
        self.commits = []

        def committed(connection):
            self.commits.append(connection)

        sa.event.listen(engine, 'commit', committed)
        self.addCleanup(sa.event.remove, engine, 'commit', committed)

    def logbook(self, task):
        with contextlib.closing(self.persistence.get_connection()) as conn:
            return conn.get_logbook(posting.book_uuid(task.uuid))

    def test_logbook_job_and_record_commit_together(self):
        node = self.make_node()
        del self.commits[:]
        task = self.submit(node)
        # The accept (lane and task row), then the post: two commits
        # where logbook, job and record each had one of their own.
        self.assertEqual(2, len(self.commits))
        (job,) = list(self.poster.iterjobs())
        self.assertEqual(job.uuid, db_tasks.get_task(task.uuid).job_uuid)
        self.assertEqual(job.uuid, task.job_uuid)
        self.assertEqual(job.book_uuid, self.logbook(task).uuid)
        # And it runs.
        self.start(workers=1)
        row = self.wait_for(task)
        self.assertEqual(states.SUCCEEDED, row.state, row.error)

    def test_a_failure_commits_none_of_it(self):
        self.useFixture(fixtures.MockPatch(
            'async_api.db.tasks.set_job',
            side_effect=sa.exc.OperationalError('UPDATE', {}, 'gone')))
        task = self.submit(self.make_node())
        # Accepted all the same: the reconciler posts it.
        self.assertEqual(states.PENDING, task.state)
        self.assertIsNone(db_tasks.get_task(task.uuid).job_uuid)
        self.assertEqual(0, self.poster.job_count)
        self.assertRaises(tf_exc.NotFound, self.logbook, task)

    def test_a_task_posted_again_resumes_its_logbook(self):
        task = self.submit(self.make_node())
        first = self.logbook(task)
        # Posted again (by the reconciler): not fresh, the same book.
        job = posting.post_and_record(
            async_conf.CONF, db_tasks.get_task(task.uuid),
            power.SET_POWER_STATE)
        self.assertEqual(first.uuid, job.book_uuid)
        self.assertEqual(2, self.poster.job_count)
