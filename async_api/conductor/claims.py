"""The claim loop of async_api's blocking conductors.

TaskFlow's loop (``ExecutorConductor._run_until_dead``) lists every job,
claimed ones too, and after running one goes on down that listing, stale
by then: with N conductors each job was claimed about N times, N - 1 of
those claims lost (each one a write to the board, then a read to say why).
It also never calls the board's ``wait()``: the SQL board's in-process
wake-up never reached it, and an idle conductor took a new job only after
``[async_api_jobboard]poll_interval``.

:class:`ClaimLoop` lists only claimable jobs, lists again after every job
it runs (one read, instead of a claim per stale entry), and on the SQL
board idles in ``wait()``, which a post in the same process ends at once;
one idle worker of the process polls the table, the others sleep until
there is work for them or the conductor stops. Jobs are tried in the
board's order, each worker of a service starting at a different place in
it, and none tries a job that another worker of its process is claiming
or running (:class:`InHand`).
"""

import functools
import threading

from oslo_log import log
from oslo_utils import timeutils
from taskflow import exceptions as tf_exc

from async_api.conductor import busy as busy_runs
from async_api.jobboard import board as sql_board

LOG = log.getLogger(__name__)


class InHand:
    """The jobs that workers of this process are claiming or running.

    The workers of a process list the board at nearly the same moments
    and see the same first jobs. A claim of a job that another worker of
    the process already has is lost, and each lost claim is a write (on
    SQLite, one that waits its turn for the only write lock) and a read
    to say why: with 128 workers, 0.7 of them per task. A worker skips
    the jobs in hand here. Claims across processes still race, and the
    board decides those.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._uuids = set()

    def take(self, uuid):
        """Hold ``uuid`` for the caller; False if another worker has it."""
        with self._lock:
            if uuid in self._uuids:
                return False
            self._uuids.add(uuid)
            return True

    def holds(self, uuid):
        """Whether a worker of this process has ``uuid`` in hand."""
        return uuid in self._uuids

    def drop(self, uuid):
        """The caller's claim failed, or its run of the job ended."""
        with self._lock:
            self._uuids.discard(uuid)


#: One per process: every service's workers share it (job uuids are
#: unique, whatever the board).
IN_HAND = InHand()


class ClaimLoop:
    """Mixin for a TaskFlow blocking conductor (one job at a time)."""

    #: The turns this worker shares with the other workers of its
    #: service (:mod:`.busy`); no bound unless the service sets one.
    busy = busy_runs.BusyRuns(0)

    #: This worker's turn while it claims and runs (None between turns).
    turn = None

    def _claim(self, job):
        """Claim ``job`` for this conductor; False if someone else has it."""
        try:
            self._jobboard.claim(job, self._name)
        except (tf_exc.UnclaimableJob, tf_exc.NotFound):
            return False
        return True

    def _next_job(self, ensure_fresh):
        """Claim the first claimable job; None when there is none (yet)."""
        if isinstance(self._jobboard, sql_board.SQLAlchemyJobBoard):
            # Blocks until a job is claimable: a post in this process
            # wakes it at once, others are seen by polling the table.
            try:
                # Jobs other workers of the process are claiming are not
                # listed: all of them taken is no reason to stop waiting.
                jobs = self._jobboard.wait(
                    timeout=self.IDLE_WAIT,
                    stopped=self._wait_timeout.is_stopped,
                    skip=IN_HAND.holds)
            except tf_exc.NotFound:
                return None
        else:
            # Other boards' wait() returns as soon as any job exists,
            # claimed or not: it would spin while others run them all.
            jobs = self._jobboard.iterjobs(only_unclaimed=True,
                                           ensure_fresh=ensure_fresh)
        jobs = list(jobs)
        self.busy.saw_backlog(len(jobs))
        for job in self._spread(jobs):
            if self._wait_timeout.is_stopped():
                return None
            if not IN_HAND.take(job.uuid):
                continue
            if self.turn is None:
                # Taken here, not while idle: an idle worker must not
                # hold the turn an accept of its process needs.
                self.turn = self.busy.take(self._wait_timeout.is_stopped)
                if self.turn is None:
                    IN_HAND.drop(job.uuid)
                    return None
            claimed = False
            try:
                claimed = self._claim(job)
            finally:
                if not claimed:
                    IN_HAND.drop(job.uuid)
            if claimed:
                # Dropped once the job is consumed or given back.
                return job
        return None

    #: Seconds an idle conductor waits on the SQL board before it waits
    #: again. Long: a post, a poll that found jobs, and stop() all wake it.
    IDLE_WAIT = 60.0

    def stop(self):
        """Stop claiming, and end an idle wait on the SQL board at once."""
        super().stop()
        if isinstance(self._jobboard, sql_board.SQLAlchemyJobBoard):
            self._jobboard.interrupt()
        self.busy.interrupt()

    #: Where in a listing this conductor starts trying: set to the
    #: worker's index, so that the workers of one service start at
    #: different jobs.
    claim_offset = 0

    def _spread(self, jobs):
        """The listing, started at :attr:`claim_offset` and wrapped round.

        Conductors listing at the same moment all see the same first jobs;
        starting at the same one, all but one lose every claim but the
        last, and each lost claim is a write. The board's order matters
        less than that: tasks of one resource are never on the board
        together (async_api.db.lanes). Only the most urgent jobs are
        rotated, so a free conductor never passes over a more urgent job.
        """
        if len(jobs) < 2 or not self.claim_offset:
            return jobs
        urgent = 1
        while (urgent < len(jobs)
               and jobs[urgent].priority == jobs[0].priority):
            urgent += 1
        start = self.claim_offset % urgent
        return jobs[start:urgent] + jobs[:start] + jobs[urgent:]

    def _job_done(self, job, fut):
        try:
            self._on_job_done(job, fut)
        finally:
            IN_HAND.drop(job.uuid)

    def _run_until_dead(self, executor, max_dispatches=None):
        try:
            self._claim_and_run(executor, max_dispatches)
        finally:
            self._end_turn()

    def _end_turn(self):
        """Let an accept or another worker compute: this worker's run is
        over, or it claimed nothing and is about to idle."""
        if self.turn is not None:
            self.turn.give_back()
            self.turn = None

    def _claim_and_run(self, executor, max_dispatches):
        is_stopped = self._wait_timeout.is_stopped
        idles = not isinstance(self._jobboard, sql_board.SQLAlchemyJobBoard)
        fresh = timeutils.StopWatch(duration=self.REFRESH_PERIODICITY)
        fresh.start()
        dispatched = 0
        while not is_stopped() and (max_dispatches is None
                                    or dispatched < max_dispatches):
            ensure_fresh = fresh.expired()
            if ensure_fresh:
                fresh.restart()
            try:
                job = self._next_job(ensure_fresh)
            except tf_exc.JobFailure:
                # The board is unreachable: back off, then try again.
                LOG.exception('Conductor %s could not list or claim jobs; '
                              'retrying', self._name)
                job = None
                self._end_turn()
                self._wait_timeout.wait()
            if job is None:
                # Every claim lost, say: not a turn held while it idles.
                self._end_turn()
                if idles and not is_stopped():
                    self._wait_timeout.wait()
                continue
            try:
                fut = executor.submit(self._dispatch_job, job)
            except RuntimeError:
                try:
                    self._try_finish_job(job, False)
                finally:
                    IN_HAND.drop(job.uuid)
                raise
            fut.job = job
            self._dispatched.add(fut)
            fut.add_done_callback(functools.partial(self._job_done, job))
            dispatched += 1
            self._end_turn()
