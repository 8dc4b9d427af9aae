"""A SQL board on the task table's database: its writes ride the task's.

In the embedded deployment (and wherever the SQL jobboard is on the
service's own database) a run's job and its task live side by side, so
two of the board's writes need no transaction of their own:

* the claim of a job takes its task up (the claim epoch that fences the
  run's writes, :func:`async_api.db.tasks.claim_task_run`) in the same
  transaction: the task is taken up only with a claim that succeeded;
* the consume of a job goes with the task's final report (held for it,
  :mod:`async_api.db.deferred`): the job goes with the record of the
  task's end or not at all, so a crash between the two cannot leave a
  finished task's job for another conductor to claim.

Each saves one commit per run. Other boards (Redis, etcd, ZooKeeper, a
SQL board elsewhere) keep the two steps.
"""

import functools

from async_api.db import deferred
from async_api.db import engine as db_engine
from async_api.db import tasks as db_tasks
from async_api.jobboard import board as sql_board


def shares_database(board):
    """Whether ``board`` is a SQL board on the task table's database."""
    return (isinstance(board, sql_board.SQLAlchemyJobBoard)
            and board.engine is db_engine.current().engine)


def claim_with_task(board, job, who, task_uuid):
    """Claim ``job`` on ``board`` and take ``task_uuid`` up with it.

    Raises what :meth:`SQLAlchemyJobBoard.claim` raises for a refused
    claim (then the task is left alone).

    :returns: the task's :class:`~async_api.db.tasks.Run`, or None when
        the job may not run it.
    """
    return board.claim(job, who, then=functools.partial(
        db_tasks.claim_task_run, task_uuid, job.uuid))


def consume_with_report(board, job, who, consumed):
    """What a reporter writes with the task's final report to consume
    ``job`` (its ``finish_write``), or None where it cannot: the run's
    writes are not held for its reports (:func:`deferred.is_holding`), or
    ``board`` is not on the task table's database.

    :param consumed: called with ``job`` once the consume has committed.
    """
    if (not shares_database(board)
            or not deferred.is_holding(db_engine.current().engine)):
        return None
    deleted = False

    def write(conn):
        nonlocal deleted
        deleted = board.consume_within(conn, job, who)

    def committed():
        if deleted:
            board.consumed(job)
            consumed(job)
    return write, committed
