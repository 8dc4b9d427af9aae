"""Shared helpers of the SQL jobboard tests."""

import contextlib

from oslo_utils import uuidutils
from taskflow.jobs import backends

from async_api.jobboard import board as sql_board


def board_conf(url, **conf):
    """A board conf on ``url`` with its own path and tables created."""
    full = {'board': 'sqlalchemy', 'connection': url,
            'path': 'test-' + uuidutils.generate_uuid()[:8],
            'create_tables': True}
    full.update(conf)
    return full


def fetch_board(test, url, name='test-board', persistence=None, **conf):
    """Fetch a board through TaskFlow's entry point; closed on cleanup."""
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
