import time
from unittest import mock

from taskflow import exceptions as tf_exc

from async_api.conductor import heartbeat
from async_api.jobboard import exceptions as board_exc
from async_api.tests import base


class FencedJob:
    """Like the SQL board's jobs: extend_expiry, fenced by an epoch."""

    uuid = 'job-1'
    epoch = 3

    def __init__(self, error=None, result=True):
        self.error = error
        self.result = result
        self.expiries = []

    def extend_expiry(self, expiry):
        self.expiries.append(expiry)
        if self.error is not None:
            raise self.error
        return self.result


class PlainJob:
    """Like ZooKeeper's jobs: no renewal, ownership read from the board."""

    uuid = 'job-2'


class TestClaimKeeper(base.TestCase):

    def setUp(self):
        super().setUp()
        self.keeper = heartbeat.ClaimKeeper(expiry=9.0)
        self.engine = mock.Mock()
        self.board = mock.Mock()

    def watch(self, job):
        return self.keeper.watch(job, self.board, 'me', self.engine)

    def test_interval(self):
        self.assertEqual(3.0, self.keeper.interval)

    def test_renews(self):
        job = FencedJob()
        claim = self.watch(job)
        self.keeper.renew_all()
        self.keeper.renew_all()
        self.assertEqual([9.0, 9.0], job.expiries)
        self.assertFalse(claim.lost)
        self.engine.suspend.assert_not_called()
        self.board.find_owner.assert_not_called()

    def test_released_not_renewed(self):
        job = FencedJob()
        self.keeper.release(self.watch(job))
        self.keeper.renew_all()
        self.assertEqual([], job.expiries)

    def test_stale_claim_is_lost(self):
        claim = self.watch(FencedJob(error=board_exc.StaleClaim('x', 3, 4)))
        self.keeper.renew_all()
        self.assertTrue(claim.lost)
        self.engine.suspend.assert_called_once_with()
        # Lost claims are not renewed again.
        self.keeper.renew_all()
        self.engine.suspend.assert_called_once_with()

    def test_gone_is_lost(self):
        claim = self.watch(FencedJob(error=tf_exc.NotFound('gone')))
        self.keeper.renew_all()
        self.assertTrue(claim.lost)

    def test_refused_is_lost(self):
        claim = self.watch(FencedJob(result=False))
        self.keeper.renew_all()
        self.assertTrue(claim.lost)

    def test_outage_is_retried_until_the_lease_ran_out(self):
        claim = self.watch(FencedJob(error=tf_exc.JobFailure('db down')))
        self.keeper.renew_all()
        self.assertFalse(claim.lost)
        claim.last_renewed -= 10.0
        self.keeper.renew_all()
        self.assertTrue(claim.lost)

    def test_owner_checked_without_renewal(self):
        self.board.find_owner.return_value = 'me'
        claim = self.watch(PlainJob())
        self.keeper.renew_all()
        self.assertFalse(claim.lost)
        self.board.find_owner.return_value = 'someone-else'
        self.keeper.renew_all()
        self.assertTrue(claim.lost)
        self.engine.suspend.assert_called_once_with()

    def test_thread(self):
        keeper = heartbeat.ClaimKeeper(expiry=0.03)
        job = FencedJob()
        keeper.watch(job, self.board, 'me')
        keeper.start()
        self.addCleanup(keeper.stop)
        for _ in range(200):
            if len(job.expiries) >= 2:
                break
            time.sleep(0.01)
        keeper.stop()
        self.assertGreaterEqual(len(job.expiries), 2)
