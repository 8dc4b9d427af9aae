"""Claims expire, and renewals keep them, on the real board servers."""

import time

from taskflow import exceptions as tf_exc
from taskflow import states as tf_states

from async_api.baremetal import conf as async_conf
from async_api.jobboard import factory as board_factory
from async_api.tests import base
from async_api.tests import servers

EXPIRY = 2.0


class BoardClaimsMixin:
    """Needs ``BACKEND`` and ``VARIABLE`` (the server's test variable)."""

    def setUp(self):
        super().setUp()
        url = servers.require(self, self.VARIABLE)
        hosts = url.split('//', 1)[-1]
        self.config(backend=self.BACKEND, hosts=hosts.split(','),
                    board_name='claims-%s' % self.id().rsplit('.', 1)[-1],
                    claim_expiry=EXPIRY, group='async_api_jobboard')
        self.board = self.open()

    def open(self):
        board = board_factory.open_board(async_conf.CONF, None)
        self.addCleanup(board.close)
        return board

    def post(self):
        job = self.board.post('job-%s' % time.monotonic(), details={'x': 1})
        self.addCleanup(self._consume_quietly, job)
        return job

    def _consume_quietly(self, job):
        try:
            owner = self.board.find_owner(job)
            if owner:
                self.board.consume(job, owner)
        except Exception:
            pass

    def find(self, board, job):
        for candidate in board.iterjobs(ensure_fresh=True):
            if candidate.uuid == job.uuid:
                return candidate
        self.fail('job %s not listed' % job.uuid)

    def test_claim_expires_without_renewal(self):
        job = self.post()
        self.board.claim(job, 'dead-conductor')
        self.assertEqual('dead-conductor', self.board.find_owner(job))
        other = self.open()
        seen = self.find(other, job)
        self.assertRaises(tf_exc.UnclaimableJob, other.claim, seen, 'other')
        time.sleep(EXPIRY + 1.5)
        self.assertEqual(tf_states.UNCLAIMED, seen.state)
        other.claim(seen, 'other')
        self.assertEqual('other', other.find_owner(seen))

    def test_renewed_claim_is_kept(self):
        job = self.post()
        self.board.claim(job, 'live-conductor')
        mine = self.find(self.board, job)
        for _ in range(4):
            time.sleep(EXPIRY / 3)
            self.assertTrue(mine.extend_expiry(EXPIRY))
        self.assertEqual('live-conductor', self.board.find_owner(job))


class TestRedisClaims(BoardClaimsMixin, base.TestCase):
    BACKEND = 'redis'
    VARIABLE = servers.REDIS


class TestEtcdClaims(BoardClaimsMixin, base.TestCase):
    BACKEND = 'etcd'
    VARIABLE = servers.ETCD
