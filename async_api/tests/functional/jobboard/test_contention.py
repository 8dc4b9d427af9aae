"""Several OS processes race to claim the same jobs: each is claimed once."""

import collections
import multiprocessing
import os
import queue
import time

from taskflow import exceptions as excp

from async_api.jobboard import board as sql_board
from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests import servers
from async_api.tests.unit.jobboard import fixtures as jb_fixtures

PROCESSES = 4
JOBS_PER_PROCESS = 200


def claim_all(url, path, start, results):
    """Worker: claim and consume whatever can be claimed, report claims."""
    board = sql_board.SQLAlchemyJobBoard('worker', {
        'connection': url, 'path': path, 'auto_renew': False})
    board.connect()
    who = 'worker-%d' % os.getpid()
    claimed = []
    lost = 0
    try:
        # Everyone connected before anyone claims: a process that started
        # first could otherwise claim every job alone.
        start.wait(60)
        while True:
            jobs = list(board.iterjobs(only_unclaimed=True))
            if not jobs:
                if board.job_count == 0:
                    break
                continue
            for job in jobs:
                try:
                    board.claim(job, who)
                except (excp.UnclaimableJob, excp.NotFound):
                    lost += 1
                    continue
                claimed.append(job.uuid)
                board.consume(job, who)
                # Run the job, as a conductor would. Without any pause,
                # SQLite's lock goes back to the last writer over and over
                # (the others sleep in its busy handler): one process
                # could win every claim and the race would not happen.
                time.sleep(0.001)
        results.put((who, claimed, lost, None))
    except Exception as e:
        results.put((who, claimed, lost, repr(e)))
    finally:
        board.close()


class ContentionTestsMixin:

    def test_each_job_claimed_exactly_once(self):
        poster = jb_fixtures.make_board(self, self.url)
        posted = {poster.post('job-%d' % i).uuid
                  for i in range(PROCESSES * JOBS_PER_PROCESS)}
        # spawn, not fork: the test runner may hold threads and sockets.
        ctx = multiprocessing.get_context('spawn')
        start = ctx.Barrier(PROCESSES)
        results = ctx.Queue()
        workers = [ctx.Process(target=claim_all,
                               args=(self.url, poster.path, start, results))
                   for _ in range(PROCESSES)]
        for worker in workers:
            worker.start()
            self.addCleanup(worker.join, 10)
            self.addCleanup(worker.kill)
        reports = []
        for _ in workers:
            try:
                reports.append(results.get(timeout=150))
            except queue.Empty:
                self.fail('a claiming process did not finish')
        errors = [error for _, _, _, error in reports if error]
        self.assertEqual([], errors)
        claims = collections.Counter(
            uuid for _, claimed, _, _ in reports for uuid in claimed)
        self.assertEqual(posted, set(claims))
        self.assertEqual([], [u for u, n in claims.items() if n != 1])
        self.assertEqual(0, poster.job_count)
        # The race really happened: more than one process won claims.
        winners = [who for who, claimed, _, _ in reports if claimed]
        self.assertGreater(len(winners), 1)


class SQLiteContentionTest(ContentionTestsMixin, base.TestCase):
    """One SQLite file (WAL) shared by several processes."""

    def setUp(self):
        super().setUp()
        self.url = self.useFixture(
            db_fixtures.SQLiteDatabase(migrate=False)).url


class PostgreSQLContentionTest(ContentionTestsMixin, base.TestCase):

    def setUp(self):
        super().setUp()
        server = servers.require(self, servers.POSTGRESQL)
        self.url = self.useFixture(db_fixtures.PostgreSQLDatabase(
            server, migrate=False)).url
