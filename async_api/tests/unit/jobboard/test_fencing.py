"""Fencing: a stale owner's writes fail once the job was claimed again."""

import time

import sqlalchemy as sa
from taskflow import exceptions as excp
from taskflow import states

from async_api.jobboard import exceptions
from async_api.jobboard import models
from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests.unit.jobboard import fixtures as jb_fixtures


class FencingTestsMixin:
    """Run against ``self.url`` (SQLite here, PostgreSQL in functional)."""

    def _boards(self):
        first = jb_fixtures.make_board(self, self.url)
        second = jb_fixtures.make_board(self, self.url, path=first.path)
        return first, second

    def _stolen(self):
        """A job claimed by 'old', lapsed, then claimed by 'new'."""
        old_board, new_board = self._boards()
        old_job = old_board.post('fenced')
        old_board.claim(old_job, 'old', expiry=0.2)
        self.assertEqual(1, old_job.epoch)
        time.sleep(0.3)
        new_job = list(new_board.iterjobs(only_unclaimed=True))[0]
        new_board.claim(new_job, 'new')
        self.assertEqual(2, new_job.epoch)
        return old_board, old_job, new_board, new_job

    def _assert_stale(self, func, *args):
        error = self.assertRaises(exceptions.StaleClaim, func, *args)
        self.assertIsInstance(error, excp.JobFailure)
        self.assertEqual(1, error.held_epoch)
        self.assertEqual(2, error.current_epoch)
        self.assertEqual('new', error.current_owner)

    def test_stale_owner_cannot_consume(self):
        old_board, old_job, new_board, new_job = self._stolen()
        self._assert_stale(old_board.consume, old_job, 'old')
        self.assertEqual(states.CLAIMED, new_job.state)
        new_board.consume(new_job, 'new')
        self.assertEqual(states.COMPLETE, new_job.state)

    def test_stale_owner_cannot_abandon(self):
        old_board, old_job, new_board, new_job = self._stolen()
        self._assert_stale(old_board.abandon, old_job, 'old')
        self.assertEqual('new', new_board.find_owner(new_job))

    def test_stale_owner_cannot_trash(self):
        old_board, old_job, new_board, new_job = self._stolen()
        self._assert_stale(old_board.trash, old_job, 'old')
        self.assertEqual(1, new_board.job_count)

    def test_stale_owner_cannot_renew(self):
        old_board, old_job, new_board, new_job = self._stolen()
        self._assert_stale(old_job.extend_expiry, 10)
        self.assertEqual('new', new_board.find_owner(new_job))

    def test_same_name_stale_claim_is_fenced_by_epoch(self):
        # Two conductors with the same name (a TaskFlow sharp edge): only
        # the epoch tells the stale one apart.
        board, other = self._boards()
        job = board.post('twins')
        board.claim(job, 'twin', expiry=0.2)
        time.sleep(0.3)
        again = list(other.iterjobs())[0]
        other.claim(again, 'twin')
        self.assertRaises(exceptions.StaleClaim, board.consume, job, 'twin')
        other.consume(again, 'twin')

    def test_lapsed_but_unclaimed_owner_may_finish(self):
        # Nobody claimed since: the epoch still proves ownership.
        board = jb_fixtures.make_board(self, self.url)
        job = board.post('late')
        board.claim(job, 'slow', expiry=0.2)
        time.sleep(0.3)
        self.assertEqual(states.UNCLAIMED, job.state)
        self.assertTrue(job.extend_expiry(5))
        self.assertEqual(states.CLAIMED, job.state)
        board.consume(job, 'slow')

    def test_other_owner_of_live_claim_is_refused(self):
        board = jb_fixtures.make_board(self, self.url)
        job = board.post('mine')
        board.claim(job, 'me')
        for action in (board.consume, board.abandon, board.trash):
            self.assertRaises(exceptions.StaleClaim, action, job, 'you')
        board.abandon(job, 'me')

    def test_unclaimed_or_gone_is_not_found(self):
        board = jb_fixtures.make_board(self, self.url)
        job = board.post('free')
        for action in (board.consume, board.abandon, board.trash):
            self.assertRaises(excp.NotFound, action, job, 'me')
        self.assertRaises(excp.NotFound, job.extend_expiry, 1)
        board.claim(job, 'me')
        board.consume(job, 'me')
        self.assertRaises(excp.NotFound, board.consume, job, 'me')
        self.assertRaises(excp.NotFound, board.claim, job, 'me')

    def test_trash_keeps_the_row(self):
        board = jb_fixtures.make_board(self, self.url)
        job = board.post('broken', details={'why': 'test'})
        board.claim(job, 'me')
        board.trash(job, 'me')
        self.assertEqual(states.COMPLETE, job.state)
        self.assertEqual(0, board.job_count)
        self.assertEqual([], list(board.iterjobs()))
        self.assertRaises(excp.NotFound, board.claim, job, 'you')
        trashed = board.trashed_jobs()
        self.assertEqual([job.uuid], [j.uuid for j in trashed])
        self.assertEqual({'why': 'test'}, trashed[0].details)
        engine = sa.create_engine(self.url)
        self.addCleanup(engine.dispose)
        table = models.JobboardJob.__table__
        with engine.connect() as conn:
            row = conn.execute(sa.select(table).where(
                table.c.uuid == job.uuid)).one()
        self.assertEqual((models.TRASHED, 'me', 1),
                         (row.status, row.owner, row.epoch))


class SQLiteFencingTest(FencingTestsMixin, base.TestCase):

    def setUp(self):
        super().setUp()
        self.url = self.useFixture(
            db_fixtures.SQLiteDatabase(migrate=False)).url
