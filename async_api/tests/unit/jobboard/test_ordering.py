"""Jobs are listed by priority (most urgent first), then oldest first."""

from taskflow.jobs import base as jobs_base

from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests.unit.jobboard import fixtures as jb_fixtures

P = jobs_base.JobPriority


class OrderingTestsMixin:
    """Run against ``self.url`` (SQLite here, PostgreSQL in functional)."""

    def _post(self, board):
        plan = [('n1', P.NORMAL), ('l1', P.LOW), ('h1', P.HIGH),
                ('vl1', P.VERY_LOW), ('n2', P.NORMAL), ('vh1', P.VERY_HIGH),
                ('h2', 'high'), ('n3', P.NORMAL), ('l2', P.LOW)]
        return {name: board.post(name, priority=priority)
                for name, priority in plan}

    def test_iterjobs_priority_then_age(self):
        board = jb_fixtures.make_board(self, self.url)
        self._post(board)
        expected = ['vh1', 'h1', 'h2', 'n1', 'n2', 'n3', 'l1', 'l2', 'vl1']
        self.assertEqual(expected, [j.name for j in board.iterjobs()])
        self.assertEqual(expected, [j.name for j in board.iterjobs(
            only_unclaimed=True, ensure_fresh=True)])
        self.assertEqual(expected, [j.name for j in board.wait(0)])

    def test_claimed_jobs_skipped_order_kept(self):
        board = jb_fixtures.make_board(self, self.url)
        jobs = self._post(board)
        board.claim(jobs['h1'], 'me')
        board.claim(jobs['n2'], 'me')
        self.assertEqual(
            ['vh1', 'h2', 'n1', 'n3', 'l1', 'l2', 'vl1'],
            [j.name for j in board.iterjobs(only_unclaimed=True)])

    def test_sequence_grows_and_jobs_sort_like_listing(self):
        board = jb_fixtures.make_board(self, self.url)
        jobs = self._post(board)
        sequences = [j.sequence for j in jobs.values()]
        self.assertEqual(sorted(sequences), sequences)
        listed = list(board.iterjobs())
        self.assertEqual([j.name for j in listed],
                         [j.name for j in sorted(jobs.values())])
        self.assertEqual(P.HIGH, listed[1].priority)

    def test_same_priority_is_fifo_across_boards(self):
        poster = jb_fixtures.make_board(self, self.url)
        other = jb_fixtures.make_board(self, self.url, path=poster.path)
        names = []
        for i in range(10):
            (poster if i % 2 else other).post('job-%d' % i)
            names.append('job-%d' % i)
        self.assertEqual(names, [j.name for j in poster.iterjobs()])


class SQLiteOrderingTest(OrderingTestsMixin, base.TestCase):

    def setUp(self):
        super().setUp()
        self.url = self.useFixture(
            db_fixtures.SQLiteDatabase(migrate=False)).url
