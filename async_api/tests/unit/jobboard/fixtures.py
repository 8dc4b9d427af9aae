"""Shared helpers of the SQL jobboard tests."""

import contextlib
import importlib.metadata
import os
import sys

import fixtures
from oslo_utils import uuidutils
from taskflow.jobs import backends

from async_api.jobboard import board as sql_board

ENTRY_POINT_GROUP = 'taskflow.jobboards'
ENTRY_POINT = 'sqlalchemy = async_api.jobboard.board:SQLAlchemyJobBoard'


class BoardEntryPoint(fixtures.Fixture):
    """Make the ``sqlalchemy`` jobboard entry point visible to stevedore.

    ``tox`` installs async_api (usedevelop), which registers the entry point
    from setup.cfg. A bare source tree has no installed metadata, so this
    puts an equivalent ``.dist-info`` on ``sys.path`` for the test only.
    """

    def _setUp(self):
        names = [ep.name for ep in importlib.metadata.entry_points(
            group=ENTRY_POINT_GROUP)]
        if 'sqlalchemy' in names:
            return
        root = self.useFixture(fixtures.TempDir()).path
        info = os.path.join(root, 'async_api_jobboard_test-0.dist-info')
        os.mkdir(info)
        with open(os.path.join(info, 'METADATA'), 'w') as f:
            f.write('Metadata-Version: 2.1\n'
                    'Name: async-api-jobboard-test\nVersion: 0\n')
        with open(os.path.join(info, 'entry_points.txt'), 'w') as f:
            f.write('[%s]\n%s\n' % (ENTRY_POINT_GROUP, ENTRY_POINT))
        self.useFixture(fixtures.MonkeyPatch('sys.path',
                                             [root] + sys.path))


def board_conf(url, **conf):
    """A board conf on ``url`` with its own path and tables created."""
    full = {'board': 'sqlalchemy', 'connection': url,
            'path': 'test-' + uuidutils.generate_uuid()[:8],
            'create_tables': True}
    full.update(conf)
    return full


def fetch_board(test, url, name='test-board', persistence=None, **conf):
    """Fetch a board through TaskFlow's entry point; closed on cleanup."""
    test.useFixture(BoardEntryPoint())
    board = backends.fetch(name, board_conf(url, **conf),
                           persistence=persistence)
    test.assertIsInstance(board, sql_board.SQLAlchemyJobBoard)
    test.addCleanup(board.close)
    return board


def make_board(test, url, name='test-board', connect=True, **conf):
    """A board built directly (no entry point), connected, closed later."""
    conf = board_conf(url, **conf)
    conf.pop('board')
    board = sql_board.SQLAlchemyJobBoard(name, conf)
    test.addCleanup(board.close)
    if connect:
        board.connect()
    return board


@contextlib.contextmanager
def connected(*boards):
    """Connect boards for a block, then close them."""
    try:
        for board in boards:
            board.connect()
        yield
    finally:
        for board in boards:
            board.close()
