"""A SQLite file's WAL is checkpointed by a thread of its own."""

import os
import time

import fixtures
import sqlalchemy as sa

from async_api.db import checkpoints
from async_api.db import engine
from async_api.tests import base


class TestCheckpointer(base.TestCase):

    def setUp(self):
        super().setUp()
        directory = self.useFixture(fixtures.TempDir()).path
        self.path = os.path.join(directory, 'test.sqlite')
        self.database = engine.Database('sqlite:///' + self.path)
        self.addCleanup(self.database.dispose)
        self.checkpointer = self.database._checkpoints
        with self.database.engine.begin() as conn:
            conn.exec_driver_sql('CREATE TABLE t (v TEXT)')

    def commit(self, count):
        for i in range(count):
            with self.database.engine.begin() as conn:
                conn.execute(sa.text('INSERT INTO t VALUES (:v)'),
                             {'v': 'x' * 2000})

    def wait_for_runs(self, runs):
        deadline = time.monotonic() + 10
        while self.checkpointer.runs < runs:
            self.assertLess(time.monotonic(), deadline, 'no checkpoint')
            time.sleep(0.01)

    def test_pool_checkpoints_only_as_a_safety_net(self):
        with self.database.engine.connect() as conn:
            pages = conn.exec_driver_sql(
                'PRAGMA wal_autocheckpoint').scalar()
        self.assertEqual(checkpoints.SAFETY_PAGES, pages)

    def test_every_so_many_commits(self):
        self.commit(checkpoints.COMMITS - 2)
        time.sleep(0.1)
        self.assertEqual(0, self.checkpointer.runs)
        self.commit(1)
        self.wait_for_runs(1)
        busy, logged, copied = self.checkpointer.last
        self.assertEqual(0, busy)
        self.assertGreater(logged, 0)
        # Nobody was reading: the whole log went back into the file.
        self.assertEqual(logged, copied)

    def test_goes_on_after_an_error(self):
        path = self.checkpointer._path
        # A directory cannot be opened as a database.
        self.checkpointer._path = os.path.dirname(path)
        logger = self.useFixture(fixtures.FakeLogger())
        self.commit(checkpoints.COMMITS)
        deadline = time.monotonic() + 10
        while 'Could not checkpoint' not in logger.output:
            self.assertLess(time.monotonic(), deadline, 'nothing logged')
            time.sleep(0.01)
        self.assertEqual(0, self.checkpointer.runs)
        self.checkpointer._path = path
        self.commit(checkpoints.COMMITS)
        self.wait_for_runs(1)

    def test_stop(self):
        self.commit(checkpoints.COMMITS)
        self.wait_for_runs(1)
        thread = self.checkpointer._thread
        self.database.dispose()
        self.assertFalse(thread.is_alive())
        # Commits go on without it (the pool's checkpoints bound the log).
        self.commit(checkpoints.COMMITS)
        self.assertEqual(1, self.checkpointer.runs)
