"""The reconciler: the task table is the truth, the board is made to agree.

Every conductor service runs one :class:`Reconciler` thread. Each pass:

1. promotes (and posts) the queued tasks that head all their lanes: the
   task before them finished, but whoever finished it died before moving
   the lane on;
2. posts again the unfinished tasks that have no job on the board: the
   API died between its commit and its post, the post failed, the board
   lost or trashed the job, or a job vanished under a running conductor.
   Only tasks last posted (and, once running, last updated) more than
   ``[async_api_lanes]repost_after`` seconds ago are considered, so a
   post on its way is not raced.

Several conductors may reconcile at once: every action is a conditional
UPDATE (:func:`async_api.db.lanes.promote`,
:func:`async_api.db.tasks.take_over_posting`) that only one of them wins,
and a job posted twice anyway is refused by the conductor that claims it
(:func:`async_api.db.tasks.claim_task`).
"""

import datetime
import random
import threading

from oslo_log import log
from oslo_utils import timeutils

from async_api.db import lanes as db_lanes
from async_api.db import tasks as db_tasks
from async_api.jobboard import factory as board_factory
from async_api.tasks import lanes
from async_api.tasks import posting

LOG = log.getLogger(__name__)


class Reconciler:
    """Re-posts what the board is missing, every ``interval`` seconds.

    :param conf: a ``ConfigOpts`` with the ``[async_api_lanes]`` options.
    :param board: the jobboard to list and post to (default: the
        process-wide board of :mod:`async_api.jobboard.factory`).
    """

    def __init__(self, conf, board=None):
        self.conf = conf
        self._board = board
        self._stop = threading.Event()
        self._thread = None

    @property
    def interval(self):
        return self.conf.async_api_lanes.reconcile_interval

    def start(self):
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name='async-api-reconciler')
        self._thread.start()

    def stop(self):
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()

    def _run(self):
        # Jitter, so that the conductors' passes spread out.
        while not self._stop.wait(self.interval * random.uniform(0.8, 1.2)):
            try:
                self.run_once()
            except Exception:
                LOG.exception('Reconciliation pass failed; retrying in '
                              '%.1f s', self.interval)

    def board(self):
        return self._board or board_factory.board(self.conf)

    def run_once(self):
        """One pass; returns ``(promoted, reposted)`` task UUIDs."""
        promoted = []
        for task_id in db_lanes.unpromoted_heads():
            task = lanes.promote_and_post(self.conf, task_id)
            if task is not None:
                LOG.warning('Promoted task %s, left queued at the head of '
                            'its lanes', task.uuid)
                promoted.append(task.uuid)
        return promoted, self.repost_missing()

    def repost_missing(self):
        """Post again the tasks whose job is not on the board."""
        cutoff = timeutils.utcnow() - datetime.timedelta(
            seconds=self.conf.async_api_lanes.repost_after)
        # Tasks first, then the board: a job consumed in between belongs
        # to a task that finished first, which take_over_posting refuses.
        candidates = db_tasks.list_unposted(cutoff)
        if not candidates:
            return []
        board = self.board()
        on_board = {(job.details or {}).get('task_uuid')
                    for job in board.iterjobs()}
        reposted = []
        for task in candidates:
            if task.uuid in on_board:
                continue
            if not db_tasks.take_over_posting(task):
                continue
            LOG.warning('Task %s (%s) has no job on the board; posting it '
                        'again', task.uuid, task.state)
            if posting.post_and_record(self.conf, task,
                                       lanes.operation_of(task)) is not None:
                reposted.append(task.uuid)
        return reposted
