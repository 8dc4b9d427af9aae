"""Claims are leases, timed by the database's clock, renewed or lapsed."""

import datetime
import time

import fixtures
from oslo_db import exception as db_exc
from oslo_utils import timeutils
from taskflow import exceptions as tf_exc
from taskflow import states

from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests.unit.jobboard import fixtures as jb_fixtures


class LeaseTestsMixin:
    """Run against ``self.url`` (SQLite here, PostgreSQL in functional)."""

    def _board(self, **conf):
        return jb_fixtures.make_board(self, self.url, **conf)

    def test_claim_lapses_and_is_claimable_again(self):
        board = self._board()
        job = board.post('lease')
        board.claim(job, 'first', expiry=0.3)
        self.assertEqual(states.CLAIMED, job.state)
        self.assertEqual('first', board.find_owner(job))
        time.sleep(0.4)
        self.assertEqual(states.UNCLAIMED, job.state)
        self.assertIsNone(board.find_owner(job))
        self.assertEqual([job.uuid], [j.uuid for j in board.iterjobs(
            only_unclaimed=True)])
        board.claim(job, 'second')
        self.assertEqual('second', board.find_owner(job))
        self.assertEqual(2, job.epoch)

    def test_lease_ignores_the_local_clock(self):
        board = self._board()
        job = board.post('skewed')
        real_time = time.time
        # The claimer's clock is an hour ahead: nothing on the board may
        # believe it.
        self.useFixture(fixtures.MonkeyPatch(
            'time.time', lambda: real_time() + 3600))
        timeutils.set_time_override(
            timeutils.utcnow() + datetime.timedelta(hours=1))
        self.addCleanup(timeutils.clear_time_override)
        board.claim(job, 'skewed', expiry=5)
        self.assertEqual(states.CLAIMED, job.state)
        remaining = job.expires_in()
        self.assertGreater(remaining, 4.0)
        self.assertLessEqual(remaining, 5.0)

    def test_default_expiry_from_conf(self):
        board = self._board(claim_expiry='0.3', auto_renew='false')
        job = board.post('default')
        board.claim(job, 'me')
        self.assertLessEqual(job.expires_in(), 0.3)
        time.sleep(0.4)
        self.assertEqual(states.UNCLAIMED, job.state)

    def test_extend_expiry_keeps_the_claim(self):
        board = self._board()
        job = board.post('renewed')
        board.claim(job, 'me', expiry=0.4)
        for _ in range(4):
            time.sleep(0.2)
            self.assertTrue(job.extend_expiry(0.4))
        self.assertEqual(states.CLAIMED, job.state)
        self.assertEqual('me', board.find_owner(job))
        board.consume(job, 'me')
        self.assertEqual(states.COMPLETE, job.state)

    def test_board_renews_default_claims_until_closed(self):
        board = self._board(claim_expiry=0.4, renew_interval=0.1)
        observer = self._board(path=board.path)
        job = board.post('kept')
        board.claim(job, 'conductor')
        time.sleep(1.0)
        self.assertEqual('conductor', observer.find_owner(job))
        # A dead process renews nothing: the lease lapses.
        board.close()
        time.sleep(0.5)
        self.assertIsNone(observer.find_owner(job))

    def test_failed_finish_stops_renewing(self):
        # A consume or abandon that the database refuses (an outage) ends
        # the renewals all the same: the lease lapses and another
        # conductor can take the job up, instead of a claim kept alive
        # for a run that is over.
        for finish in ('consume', 'abandon', 'trash'):
            board = self._board(claim_expiry=0.4, renew_interval=0.1)
            observer = self._board(path=board.path)
            job = board.post(finish)
            board.claim(job, 'conductor')
            with fixtures.MonkeyPatch(
                    'async_api.jobboard.statements.run',
                    self._refused):
                self.assertRaises(tf_exc.JobFailure,
                                  getattr(board, finish), job, 'conductor')
            time.sleep(0.8)
            self.assertIsNone(observer.find_owner(job), finish)
            self.assertEqual([job.uuid], [j.uuid for j in observer.iterjobs(
                only_unclaimed=True)], finish)

    @staticmethod
    def _refused(*args, **kwargs):
        raise db_exc.DBError('attempt to write a readonly database')

    def test_explicit_expiry_is_not_auto_renewed(self):
        board = self._board(claim_expiry=5, renew_interval=0.05)
        job = board.post('explicit')
        board.claim(job, 'me', expiry=0.3)
        time.sleep(0.45)
        self.assertEqual(states.UNCLAIMED, job.state)

    def test_expires_in_without_claim(self):
        board = self._board()
        job = board.post('free')
        self.assertIsNone(job.expires_in())


class SQLiteLeaseTest(LeaseTestsMixin, base.TestCase):

    def setUp(self):
        super().setUp()
        self.url = self.useFixture(
            db_fixtures.SQLiteDatabase(migrate=False)).url
