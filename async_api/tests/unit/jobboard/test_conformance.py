"""TaskFlow's own jobboard conformance tests against the SQL board."""

import time

import fixtures
from taskflow import exceptions as excp
from taskflow import states
from taskflow.tests.unit.jobs import base as tf_base
from taskflow.utils import persistence_utils as p_utils

from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests.unit.jobboard import fixtures as jb_fixtures


class ConformanceMixin(tf_base.BoardTestMixin):
    """Wires TaskFlow's BoardTestMixin as its Redis test case does.

    Subclasses set up ``self.url``. The "client" TaskFlow's tests close to
    break a board's connection is the board itself here.
    """

    def create_board(self, persistence=None):
        board = jb_fixtures.fetch_board(self, self.url,
                                        persistence=persistence)
        return board, board

    def close_client(self, client):
        client.close()

    def makeTmpDir(self):
        return self.useFixture(fixtures.TempDir()).path

    def assertRaisesAttrAccess(self, exc_class, obj, attr_name):
        self.assertRaises(exc_class, getattr, obj, attr_name)

    # The Redis board's extra tests, which apply to any leasing board.

    def test_posting_claim_expiry(self):
        with tf_base.connect_close(self.board):
            self.board.post('test', p_utils.temporary_log_book())
            j = list(self.board.iterjobs(only_unclaimed=True))[0]
            self.board.claim(j, self.board.name, expiry=0.5)
            self.assertEqual(self.board.name, self.board.find_owner(j))
            self.assertEqual(states.CLAIMED, j.state)
            time.sleep(0.6)
            self.assertEqual(states.UNCLAIMED, j.state)
            self.assertIsNone(self.board.find_owner(j))
            self.assertEqual(
                1, len(list(self.board.iterjobs(only_unclaimed=True))))

    def test_posting_claim_same_owner(self):
        with tf_base.connect_close(self.board):
            self.board.post('test', p_utils.temporary_log_book())
            j = list(self.board.iterjobs(only_unclaimed=True))[0]
            self.board.claim(j, self.board.name)
            again = list(self.board.iterjobs())
            self.assertEqual(1, len(again))
            self.assertRaises(excp.UnclaimableJob, self.board.claim,
                              again[0], self.board.name)
            self.assertEqual(
                0, len(list(self.board.iterjobs(only_unclaimed=True))))


class SQLiteConformanceTest(ConformanceMixin, base.TestCase):

    def setUp(self):
        super().setUp()
        self.url = self.useFixture(
            db_fixtures.SQLiteDatabase(migrate=False)).url
        self.client, self.board = self.create_board()
