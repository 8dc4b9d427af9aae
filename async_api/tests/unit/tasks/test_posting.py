"""Posting a fresh task when the board, logbooks and tasks share a database.
"""

import contextlib
from unittest import mock

import sqlalchemy as sa

from async_api.baremetal import conf as async_conf
from async_api.db import tasks as db_tasks
from async_api.jobboard import board as sql_board
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

    def test_the_accept_commits_once(self):
        node = self.make_node()
        del self.commits[:]
        task = self.submit(node)
        # Task row, lane, logbook, job and the task's record of the job:
        # one commit, where the accept and the post had one each.
        self.assertEqual(1, len(self.commits))
        (job,) = list(self.poster.iterjobs())
        self.assertEqual(job.uuid, db_tasks.get_task(task.uuid).job_uuid)
        self.assertEqual(job.uuid, task.job_uuid)
        self.assertEqual(job.book_uuid, self.logbook(task).uuid)
        # And it runs.
        self.start(workers=1)
        row = self.wait_for(task)
        self.assertEqual(states.SUCCEEDED, row.state, row.error)

    def test_the_task_row_is_written_once(self):
        node = self.make_node()
        statements = []

        def executed(conn, cursor, statement, *args):
            statements.append(' '.join(statement.split()))

        engine = self.db.database.engine
        sa.event.listen(engine, 'before_cursor_execute', executed)
        try:
            task = self.submit(node)
        finally:
            sa.event.remove(engine, 'before_cursor_execute', executed)
        # Inserted pending, with its job: no update of the row follows.
        touching = [s for s in statements if 'async_api_tasks' in s
                    and not s.startswith('SELECT')]
        self.assertEqual(1, len(touching), touching)
        self.assertTrue(touching[0].startswith('INSERT'), touching)
        row = db_tasks.get_task(task.uuid)
        self.assertEqual(states.PENDING, row.state)
        self.assertIsNotNone(row.posted_at)
        (job,) = list(self.poster.iterjobs())
        self.assertEqual(job.uuid, row.job_uuid)

    def test_a_failure_stores_none_of_it(self):
        node = self.make_node()
        # The job's insert, the last write of the accept, fails.
        with mock.patch.object(
                sql_board.SQLAlchemyJobBoard, 'post_within',
                side_effect=sa.exc.OperationalError('INSERT', {}, 'gone')):
            self.assertRaises(sa.exc.OperationalError, self.submit, node)
        # Not accepted: no task, no place in the lane, no job, no book.
        self.assertEqual([], db_tasks.list_tasks({'resource_uuid': node.uuid}))
        self.assertEqual(0, self.poster.job_count)
        with self.db.database.engine.connect() as conn:
            for table in ('async_api_task_lanes', 'async_api_flow_logbooks'):
                self.assertEqual(0, conn.execute(sa.text(
                    'SELECT count(*) FROM %s' % table)).scalar(), table)
        # The lane is free: the next accept on the node is its head.
        self.assertEqual(states.PENDING, self.submit(node).state)

    def test_a_task_posted_again_resumes_its_logbook(self):
        task = self.submit(self.make_node())
        first = self.logbook(task)
        # Posted again (by the reconciler): not fresh, the same book.
        job = posting.post_and_record(
            async_conf.CONF, db_tasks.get_task(task.uuid),
            power.SET_POWER_STATE)
        self.assertEqual(first.uuid, job.book_uuid)
        self.assertEqual(2, self.poster.job_count)
