"""Board configuration, scoping, waiting and entity registration."""

import collections
import threading
import time

import fixtures
import sqlalchemy as sa
from taskflow import exceptions as excp
from taskflow.types import entity

from async_api.db import engine as db_engine
from async_api.jobboard import board as sql_board
from async_api.jobboard import models
from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests.unit.jobboard import fixtures as jb_fixtures


class BoardTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.url = self.useFixture(
            db_fixtures.SQLiteDatabase(migrate=False)).url

    def test_fetch_through_taskflow(self):
        board = jb_fixtures.fetch_board(self, self.url, claim_expiry='12.5',
                                        auto_renew='no', wait_interval='0.1')
        self.assertFalse(board.connected)
        board.connect()
        self.assertTrue(board.connected)
        self.assertEqual(12.5, board.claim_expiry)
        job = board.post('fetched')
        board.claim(job, 'me')
        self.assertLessEqual(job.expires_in(), 12.5)
        board.close()
        self.assertFalse(board.connected)

    def test_claim_then_runs_in_the_claims_transaction(self):
        board = jb_fixtures.make_board(self, self.url)
        job = board.post('x')
        seen = []

        def then(connection):
            # The claim is not committed yet: this connection sees it.
            jobs = models.JobboardJob
            owner = connection.execute(sa.select(jobs.owner).where(
                jobs.uuid == job.uuid)).scalar_one()
            seen.append(owner)
            return 'taken'

        self.assertEqual('taken', board.claim(job, 'me', then=then))
        self.assertEqual(['me'], seen)
        self.assertIsNone(board.claim(board.post('y'), 'me'))

    def test_claim_then_is_not_called_for_a_refused_claim(self):
        board = jb_fixtures.make_board(self, self.url)
        job = board.post('x')
        board.claim(job, 'other')
        called = []
        self.assertRaises(excp.UnclaimableJob, board.claim, job, 'me',
                          then=called.append)
        self.assertEqual([], called)

    def test_claim_fails_with_its_then(self):
        board = jb_fixtures.make_board(self, self.url)
        job = board.post('x')

        def then(connection):
            raise sa.exc.OperationalError('UPDATE', {}, Exception('gone'))

        self.assertRaises(excp.JobFailure, board.claim, job, 'me',
                          then=then)
        # Rolled back: still there to be claimed.
        self.assertEqual(['x'], [j.name for j in
                                 board.iterjobs(only_unclaimed=True)])

    def test_conf_errors(self):
        self.assertRaises(ValueError, sql_board.SQLAlchemyJobBoard, 'b', {})
        for key in ('claim_expiry', 'wait_interval', 'renew_interval'):
            self.assertRaises(ValueError, sql_board.SQLAlchemyJobBoard, 'b',
                              {'connection': self.url, key: '0'})
        board = jb_fixtures.make_board(self, self.url)
        job = board.post('x')
        self.assertRaises(ValueError, board.claim, job, 'me', expiry=-1)
        self.assertRaises(ValueError, board.claim, job, '')

    def test_paths_scope_rows(self):
        red = jb_fixtures.make_board(self, self.url, path='red')
        blue = jb_fixtures.make_board(self, self.url, path='blue')
        red_too = jb_fixtures.make_board(self, self.url, namespace='red',
                                         path=None)
        red.post('r')
        blue.post('b1')
        blue.post('b2')
        self.assertEqual((1, 2, 1), (red.job_count, blue.job_count,
                                     red_too.job_count))
        self.assertEqual(['r'], [j.name for j in red_too.iterjobs()])
        self.assertRaises(excp.NotFound, blue.claim,
                          list(red.iterjobs())[0], 'me')

    def test_closed_board_refuses(self):
        board = jb_fixtures.make_board(self, self.url)
        job = board.post('x')
        board.close()
        self.assertRaises(excp.JobFailure, board.post, 'y')
        self.assertRaises(excp.JobFailure, board.claim, job, 'me')
        self.assertRaises(excp.JobFailure, lambda: job.state)
        self.assertRaises(excp.JobFailure, lambda: board.job_count)

    def test_database_errors_become_job_failures(self):
        board = jb_fixtures.make_board(self, self.url, create_tables=False)
        self.assertRaises(excp.JobFailure, board.post, 'no tables yet')
        board.upgrade()
        board.upgrade()  # twice is harmless
        board.post('tables now')
        self.assertEqual(1, board.job_count)

    def test_shared_database_is_not_disposed(self):
        database = db_engine.Database(self.url)
        self.addCleanup(database.dispose)
        models.create_tables(database.engine)
        board = sql_board.SQLAlchemyJobBoard('shared', {}, database=database)
        board.connect()
        board.post('x')
        board.close()
        with database.engine.connect() as conn:
            self.assertEqual(1, conn.execute(sa.text(
                'SELECT count(*) FROM async_api_jobboard_jobs')).scalar())

    def test_wait_wakes_for_same_process_post(self):
        # A 60 s poll interval: only the in-process wake-up can be fast.
        waiter = jb_fixtures.make_board(self, self.url, wait_interval=60)
        poster = jb_fixtures.make_board(self, self.url, path=waiter.path)
        timer = threading.Timer(0.2, poster.post, args=('late',))
        timer.start()
        self.addCleanup(timer.cancel)
        start = time.monotonic()
        jobs = list(waiter.wait(timeout=10))
        self.assertLess(time.monotonic() - start, 5)
        self.assertEqual(['late'], [j.name for j in jobs])

    def test_wait_polls_for_other_process_post(self):
        waiter = jb_fixtures.make_board(self, self.url, wait_interval=0.05)
        engine = sa.create_engine(self.url)
        self.addCleanup(engine.dispose)

        def foreign_post():
            # Straight into the table: no in-process notification.
            from async_api.jobboard import statements
            with engine.begin() as conn:
                statements.run(conn, statements.insert(
                    waiter.path, 'a' * 36, 'foreign', 2, '{}', None, None))

        timer = threading.Timer(0.2, foreign_post)
        timer.start()
        self.addCleanup(timer.cancel)
        self.assertEqual(['foreign'],
                         [j.name for j in waiter.wait(timeout=10)])

    def test_only_the_poller_wakes_every_interval(self):
        first = jb_fixtures.make_board(self, self.url, wait_interval=0.05)
        second = jb_fixtures.make_board(self, self.url, path=first.path,
                                        wait_interval=0.05)
        channel = first._channel
        self.assertIs(channel, second._channel)
        sleeps = collections.Counter()
        real = channel.wait

        def wait(*args, **kwargs):
            sleeps[threading.current_thread().name] += 1
            return real(*args, **kwargs)

        self.useFixture(fixtures.MockPatchObject(channel, 'wait', wait))
        waiters = [threading.Thread(
            target=self.assertRaises, name=name,
            args=(excp.NotFound, board.wait, 1.0))
            for name, board in (('first', first), ('second', second))]
        for thread in waiters:
            thread.start()
        for thread in waiters:
            thread.join()
        # One of them polled every 0.05 s; the other slept until its
        # timeout (both woke every interval before).
        self.assertGreater(max(sleeps.values()), 10)
        self.assertLess(min(sleeps.values()), 4)

    def test_a_sleeper_takes_over_the_poll(self):
        poller = jb_fixtures.make_board(self, self.url, wait_interval=0.05)
        sleeper = jb_fixtures.make_board(self, self.url, path=poller.path,
                                         wait_interval=0.05)
        engine = sa.create_engine(self.url)
        self.addCleanup(engine.dispose)
        found = []
        # The poller leaves after 0.3 s; the sleeper (60 s timeout) must
        # then poll, or it never sees a job posted by another process.
        polling = threading.Thread(target=self.assertRaises,
                                   args=(excp.NotFound, poller.wait, 0.3))
        polling.start()
        time.sleep(0.05)
        sleeping = threading.Thread(
            target=lambda: found.extend(sleeper.wait(timeout=60)))
        sleeping.start()
        polling.join()

        from async_api.jobboard import statements
        with engine.begin() as conn:
            statements.run(conn, statements.insert(
                poller.path, 'b' * 36, 'foreign', 2, '{}', None, None))
        sleeping.join(10)
        self.assertFalse(sleeping.is_alive())
        self.assertEqual(['foreign'], [j.name for j in found])

    def test_interrupt_ends_a_stopped_wait(self):
        board = jb_fixtures.make_board(self, self.url, wait_interval=60)
        stop = threading.Event()
        timer = threading.Timer(0.2, lambda: (stop.set(), board.interrupt()))
        timer.start()
        self.addCleanup(timer.cancel)
        started = time.monotonic()
        self.assertRaises(excp.NotFound, board.wait, timeout=60,
                          stopped=stop.is_set)
        self.assertLess(time.monotonic() - started, 5)

    def test_wait_timeout_and_claimed_jobs(self):
        board = jb_fixtures.make_board(self, self.url, wait_interval=0.05)
        job = board.post('taken')
        board.claim(job, 'me')
        self.assertRaises(excp.NotFound, board.wait, timeout=0.2)

    def test_wait_leaves_out_skipped_jobs(self):
        board = jb_fixtures.make_board(self, self.url, wait_interval=0.05)
        held = board.post('held elsewhere')
        # Only jobs the caller will try count: none is no reason to return.
        self.assertRaises(excp.NotFound, board.wait, timeout=0.2,
                          skip={held.uuid}.__contains__)
        free = board.post('free')
        listed = list(board.wait(timeout=5, skip={held.uuid}.__contains__))
        self.assertEqual([free.uuid], [job.uuid for job in listed])

    def test_register_entity(self):
        board = jb_fixtures.make_board(self, self.url)
        conductor = entity.Entity('conductor', 'c-1', {'host': 'h1'})
        board.register_entity(conductor)
        board.register_entity(entity.Entity('conductor', 'c-1',
                                            {'host': 'h2'}))
        board.register_entity(entity.Entity('conductor', 'c-2', {}))
        table = models.JobboardEntity.__table__
        engine = sa.create_engine(self.url)
        self.addCleanup(engine.dispose)
        with engine.connect() as conn:
            rows = conn.execute(sa.select(table.c.name, table.c.details)
                                .order_by(table.c.name)).all()
        self.assertEqual([('c-1', '{"host": "h2"}'), ('c-2', '{}')],
                         [tuple(r) for r in rows])
        self.assertEqual([('conductor', 'c-1', {'host': 'h2'}),
                          ('conductor', 'c-2', {})],
                         board.registered_entities('conductor'))

    def test_job_attributes(self):
        board = jb_fixtures.make_board(self, self.url)
        job = board.post('attrs', details={'store': {'x': 1}})
        listed = list(board.iterjobs())[0]
        self.assertEqual(job, listed)
        self.assertEqual(hash(job), hash(listed))
        self.assertEqual({'store': {'x': 1}}, listed.details)
        self.assertEqual(0, listed.epoch)
        self.assertIsNone(listed.owner)
        self.assertIsNone(listed.book)
        self.assertIsNotNone(listed.created_on)
        self.assertGreaterEqual(listed.last_modified, listed.created_on)
        self.assertIn('attrs', str(listed))
