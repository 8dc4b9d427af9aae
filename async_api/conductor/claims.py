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
it.
"""

import functools

from oslo_log import log
from oslo_utils import timeutils
from taskflow import exceptions as tf_exc

from async_api.jobboard import board as sql_board

LOG = log.getLogger(__name__)


class ClaimLoop:
    """Mixin for a TaskFlow blocking conductor (one job at a time)."""

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
                jobs = self._jobboard.wait(
                    timeout=self.IDLE_WAIT,
                    stopped=self._wait_timeout.is_stopped)
            except tf_exc.NotFound:
                return None
        else:
            # Other boards' wait() returns as soon as any job exists,
            # claimed or not: it would spin while others run them all.
            jobs = self._jobboard.iterjobs(only_unclaimed=True,
                                           ensure_fresh=ensure_fresh)
        for job in self._spread(jobs):
            if self._wait_timeout.is_stopped():
                return None
            if self._claim(job):
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
        jobs = list(jobs)
        if len(jobs) < 2 or not self.claim_offset:
            return jobs
        urgent = 1
        while (urgent < len(jobs)
               and jobs[urgent].priority == jobs[0].priority):
            urgent += 1
        start = self.claim_offset % urgent
        return jobs[start:urgent] + jobs[:start] + jobs[urgent:]

    def _run_until_dead(self, executor, max_dispatches=None):
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
                self._wait_timeout.wait()
            if job is None:
                if idles and not is_stopped():
                    self._wait_timeout.wait()
                continue
            try:
                fut = executor.submit(self._dispatch_job, job)
            except RuntimeError:
                self._try_finish_job(job, False)
                raise
            fut.job = job
            self._dispatched.add(fut)
            fut.add_done_callback(functools.partial(self._on_job_done, job))
            dispatched += 1
