"""The conductor service: N TaskFlow conductors in one process.

Each worker is a TaskFlow *blocking* conductor in its own thread. A
blocking conductor claims a job only when it is free, so a job is never
held claimed in a local queue behind another (where its lease would run
and no other conductor could take it); N of them give N jobs at a time,
each with its own claim loop and its own board connection. Every worker
has a unique name, ``<host>-<8 hex>-<i>``: same-named conductors would
treat each other's claims as their own.

Engines are TaskFlow's serial engine by default
(``[async_api_conductor]engine``): it runs graph flows one step at a
time in the conductor's thread, at less cost per step. The parallel
engine (graph flows run independent steps together) runs on one futurist
thread pool shared by all workers: an engine that builds its own executor
pays about a second to shut it down after every flow.

TaskFlow's conductor trashes a job when anything outside the engine run
fails and consumes it whatever the flow's outcome. :class:`TaskConductor`
instead decides from the task table: a job whose task is already finished
is consumed without running; a transient failure (database or persistence
outage) abandons the job so another attempt resumes it; a flow that cannot
even be built fails its task (``flow_load_failed``) and is consumed. A
step or a report that met an outage suspends the flow
(:class:`~async_api.conductor.listeners.TaskReporter`): the failed step
is put back to run again and the job abandoned, the task unfailed.

Before running a job the conductor takes its task up with one conditional
UPDATE that moves the task's claim epoch on (the fence of every write the
run makes) and refuses a job that is not the task's own (a duplicate
post); the same statement returns the task's attempt and first start, so
that the run's steps keep the operation's deadlines
(:mod:`async_api.conductor.deadlines`) and its events carry the attempt.
Each run's steps check for a cancel before they start
(:mod:`async_api.tasks.boundary`). After a task finishes, clients
waiting on it in this process are woken and the next task of each of its
lanes is promoted and posted. Each service also runs a
:class:`~async_api.conductor.reconciler.Reconciler`.

Stopping (:meth:`ConductorService.stop`, on SIGTERM in the commands)
drains: the conductors stop claiming and each running flow stops after
its current step, for at most ``[async_api_conductor]
graceful_shutdown_timeout`` seconds; then the steps still running are
abandoned (their threads left behind) and every claim still held is
released on the board, so that another conductor takes the jobs over at
once instead of after the claim expiry.
"""

import contextlib
import functools
import socket
import threading
import time

import futurist
from oslo_db import exception as db_exc
from oslo_log import log
from oslo_utils import timeutils
from oslo_utils import uuidutils
from sqlalchemy import exc as sa_exc
from taskflow.conductors.backends import impl_blocking
from taskflow import engines
from taskflow import exceptions as tf_exc

from async_api.common import exception
from async_api.conductor import busy
from async_api.conductor import claims
from async_api.conductor import deadlines
from async_api.conductor import heartbeat
from async_api.conductor import listeners
from async_api.conductor import periodics
from async_api.conductor import reconciler
from async_api.conductor import shared_board
from async_api import conf as async_conf
from async_api.db import deferred
from async_api.db import engine as db_engine
from async_api.db import tasks as db_tasks
from async_api.jobboard import factory as board_factory
from async_api import notifications
from async_api.persistence import factory as persistence_factory
from async_api.tasks import boundary
from async_api.tasks import failures
from async_api.tasks import lanes
from async_api.tasks import waiters
from async_api.common import states

LOG = log.getLogger(__name__)

# Failures worth another attempt on any conductor, rather than a verdict:
# the board, the persistence backend or the database is unreachable.
_TRANSIENT = (tf_exc.StorageFailure, tf_exc.JobFailure,
              exception.ServiceUnavailable, db_exc.DBError,
              sa_exc.OperationalError)


class TaskConductor(claims.ClaimLoop, impl_blocking.BlockingConductor):
    """A blocking conductor that reports into the task table.

    :param host: written on task events.
    :param keeper: the service's :class:`~.heartbeat.ClaimKeeper`.
    :param conf: configuration used to post the tasks this conductor
        promotes (default: the global ``CONF``).
    """

    def __init__(self, name, jobboard, persistence=None, engine=None,
                 engine_options=None, wait_timeout=None, host=None,
                 keeper=None, conf=None):
        super().__init__(name, jobboard, persistence=persistence,
                         engine=engine, engine_options=engine_options,
                         wait_timeout=wait_timeout)
        self.host = host
        self.conf = conf
        self._keeper = keeper
        self._running = threading.local()
        # Jobs consumed with their task's final report (one worker: the
        # run's thread adds, the same thread's job-done callback takes).
        self._consumed = set()
        # The deadlines of the job running now (one at a time), for
        # abandon_running() from the thread that stops the service.
        self._deadlines = None

    @property
    def name(self):
        return self._name

    def _engine_from_job(self, job):
        """The job's engine, with the job's store injected in memory only.

        TaskFlow's conductor persists the store as one more atom of the
        flow (a flow detail save and an insert per run). It is rebuilt from
        the job on every claim anyway, so nothing is lost by keeping it in
        memory, and a resumed flow sees the same values.
        """
        flow_detail = self._flow_detail_from_job(job)
        # Built here rather than through TaskFlow's engine loader: the
        # steps run under the task's deadlines (and a stevedore lookup
        # per job is saved).
        engine = deadlines.load_engine(
            engines.flow_from_detail(flow_detail), flow_detail,
            self._persistence, self._engine, self._engine_options,
            self._run_deadlines())
        store = dict((flow_detail.meta or {}).get('store') or {})
        store.update((job.details or {}).get('store') or {})
        if store:
            engine.storage.inject(store, transient=True)
        return engine

    def _claim(self, job):
        """Claim ``job``, with its task where the board shares the task
        table's database (:mod:`.shared_board`); :meth:`_dispatch` then
        finds the task taken up."""
        task_uuid = (job.details or {}).get('task_uuid')
        if task_uuid is None or not shared_board.shares_database(
                self._jobboard):
            return super()._claim(job)
        try:
            run = shared_board.claim_with_task(self._jobboard, job,
                                               self._name, task_uuid)
        except (tf_exc.UnclaimableJob, tf_exc.NotFound):
            return False
        self._running.taken = (job.uuid, run)
        return True

    def _run_deadlines(self):
        """The :class:`~.deadlines.RunDeadlines` of the run starting now."""
        run = getattr(self._running, 'run', None)
        found = (deadlines.RunDeadlines() if run is None
                 else deadlines.RunDeadlines.of_run(run.operation,
                                                    run.started_at))
        if self.turn is not None:
            # A step that waits lets another worker claim meanwhile.
            found.on_waiting = self.turn.give_back
        self._deadlines = found
        return found

    def abandon_running(self):
        """Give up the step running now, if any (the service is stopping).

        The engine's thread stops waiting for it at once; the flow is left
        as a crash would leave it and the job is abandoned on the board.
        """
        running = self._deadlines
        if running is not None:
            running.abandon()

    def _listeners_from_job(self, job, engine):
        listeners_ = super()._listeners_from_job(job, engine)
        claim = None
        if self._keeper is not None:
            claim = self._keeper.watch(job, self._jobboard, self._name,
                                       engine)
        # At once: whatever fails from here on (compiling the flow may
        # meet a database outage), _dispatch_job must stop renewing this
        # claim, or the keeper holds the job for a run that is over, for
        # good.
        self._running.claim = claim
        task_uuid = job.details['task_uuid']
        run = getattr(self._running, 'run', None)
        reporter = listeners.TaskReporter(
            engine, task_uuid, host=self.host, claim=claim,
            fence=getattr(self._running, 'fence', None),
            on_finish=self._finished,
            attempt=None if run is None else run.attempt + 1,
            finish_write=shared_board.consume_with_report(
                self._jobboard, job, self._name,
                lambda consumed: self._consumed.add(consumed.uuid)))
        # Every step checks for a cancel before it starts.
        self._running.stop = (task_uuid, boundary.running(task_uuid))
        boundary.guard(engine, task_uuid)
        if self._deadlines is not None:
            # A step's own progress and retries reach the task.
            self._deadlines.on_progress = reporter.step_progress
            self._deadlines.on_retry = reporter.step_retrying
            bind = db_engine.current().engine
            if (reporter.holds_quiet_transitions
                    and deferred.is_holding(bind)):
                # The writes a step holds go with the report of its end.
                self._deadlines.on_hold = functools.partial(deferred.hold,
                                                            bind)
        # _dispatch_job reads it back once the engine has run.
        self._running.reporter = reporter
        listeners_.append(reporter)
        return listeners_

    def _try_finish_job(self, job, consume, trash=False):
        if job.uuid in self._consumed:
            # Consumed already, with the task's final report (whatever
            # the run decided after it, say a claim renewal that failed
            # since: the job is gone).
            self._consumed.discard(job.uuid)
            self._notifier.notify('job_consumed', {
                'job': job, 'conductor': self,
                'persistence': self._persistence})
            return
        super()._try_finish_job(job, consume, trash)

    def _dispatch_job(self, job):
        """Run ``job``; returns whether to consume it (else abandon).

        Never raises: TaskFlow trashes a job whose dispatch raised.
        """
        self._running.claim = self._running.reporter = None
        self._running.fence = self._running.stop = None
        self._running.run = None
        try:
            return self._dispatch(job)
        except deadlines.StepAbandoned:
            LOG.warning('Conductor %s gave up the running step of job %s '
                        '(stopping); leaving the job for another conductor',
                        self._name, job)
            return False
        except Exception:
            LOG.exception('Conductor %s could not run job %s; leaving it '
                          'for another attempt', self._name, job)
            return False
        finally:
            claim = self._running.claim
            if claim is not None:
                self._keeper.release(claim)
            if self._running.stop is not None:
                boundary.done(*self._running.stop)
            self._running.claim = self._running.reporter = None
            self._running.stop = None
            self._running.run = None
            self._deadlines = None

    def _dispatch(self, job):
        task_uuid = (job.details or {}).get('task_uuid')
        if task_uuid is None:
            LOG.error('Job %s carries no task; consuming it', job)
            return True
        # Take the task up first (done already with the claim of the job
        # where they share a database); read it only to say why that was
        # refused.
        taken = getattr(self._running, 'taken', None)
        self._running.taken = None
        if taken is not None and taken[0] == job.uuid:
            run = taken[1]
        else:
            run = db_tasks.claim_task_run(task_uuid, job.uuid)
        if run is None:
            try:
                task = db_tasks.get_task(task_uuid)
            except exception.TaskNotFound:
                LOG.warning('Job %s is for task %s, which does not exist; '
                            'consuming it', job, task_uuid)
                return True
            # Cancelled while pending, finished by an earlier owner that
            # could not consume the job, or carried by another job (posted
            # twice: by a slow poster and by the reconciler): never run
            # twice.
            LOG.info('Job %s may not run task %s (%s, carried by job %s); '
                     'consuming it', job, task_uuid, task.state,
                     task.job_uuid)
            return True
        fence = run.fence
        self._running.fence = fence
        self._running.run = run
        try:
            with self._holding() as bind:
                consume = super()._dispatch_job(job)
                if self._run_lost():
                    # Another conductor owns the task: write nothing more.
                    deferred.discard(bind)
                elif self._suspended_for_outage():
                    # Written with the run's last transaction: if the
                    # backend is still away, nothing of the failure is.
                    self._running.reporter.repair()
        except _TRANSIENT:
            raise
        except db_tasks.FencedOff as e:
            # What was held for the run's last transaction was refused:
            # another conductor has taken the task up since.
            LOG.warning('Job %s lost task %s: %s', job, task_uuid, e)
            return False
        except Exception as e:
            # Raised before the engine ran: building the flow failed.
            LOG.exception('The flow of task %s could not be built',
                          task_uuid)
            self._fail_unbuilt(task_uuid, e, fence)
            return True
        reporter = self._running.reporter
        if (self._run_lost() or reporter is None
                or reporter.report_failed or reporter.outage is not None):
            return False
        if consume and reporter.outcome is None:
            # The engine gave up without a final flow state (validation of
            # the flow's inputs failed, say): the task must not stay active.
            self._fail_unfinished(task_uuid, reporter, fence)
        return consume

    @contextlib.contextmanager
    def _holding(self):
        """Hold atom saves for the reports, on the service's own database.

        One transaction per step transition instead of two (see
        :mod:`async_api.db.deferred`); only possible when the flow's
        persistence shares the task table's engine.
        """
        bind = db_engine.current().engine
        if getattr(self._persistence, 'engine', None) is not bind:
            yield None
            return
        with deferred.holding(bind):
            yield bind

    def _suspended_for_outage(self):
        reporter = self._running.reporter
        return reporter is not None and reporter.outage is not None

    def _run_lost(self):
        claim, reporter = self._running.claim, self._running.reporter
        return ((claim is not None and claim.lost)
                or (reporter is not None and reporter.fenced_off))

    def _finished(self, task):
        """Move on the lanes a task just left (after its terminal write).

        Clients waiting on the task in this process are woken first.
        """
        waiters.notify(task.uuid)
        lanes.advance(self.conf or async_conf.CONF,
                      getattr(task, 'released_lanes', None) or ())

    def _finish(self, task_uuid, values, expected, fence):
        task = db_tasks.update_task(task_uuid, values,
                                    expected_states=expected, fence=fence)
        if task is not None:
            self._finished(task)

    def _fail_unbuilt(self, task_uuid, error, fence=None):
        self._finish(task_uuid, {
            'state': states.FAILED,
            'finished_at': timeutils.utcnow(),
            'error': {'code': 'flow_load_failed',
                      'message': 'The flow could not be built: %s'
                                 % failures.describe(error)['message'],
                      'step': None},
        }, (states.PENDING, states.RUNNING), fence)

    def _fail_unfinished(self, task_uuid, reporter, fence=None):
        # Steps that ran may have left the resource half changed.
        final = states.ERROR if reporter.atoms_started else states.FAILED
        self._finish(task_uuid, {
            'state': final,
            'finished_at': timeutils.utcnow(),
            'error': {'code': 'flow_failed',
                      'message': 'The flow stopped without finishing (see '
                                 'the conductor log of %s)' % self.host,
                      'step': None},
        }, (states.PENDING, states.RUNNING, states.REVERTING), fence)


class ConductorService:
    """N conductors sharing one executor and one claim keeper.

    :param conf: an oslo.config ``ConfigOpts`` with async_api's options.
    :param workers: how many conductors, hence jobs at a time.
    :param persistence: a TaskFlow persistence backend; by default one is
        opened from ``[async_api_persistence]`` (and closed by :meth:`stop`).
    :param board_factory: ``f(index, persistence)`` returning a connected
        jobboard for worker ``index``; by default
        :func:`async_api.jobboard.factory.open_board`.
    :param engine: TaskFlow engine type (``parallel`` or ``serial``);
        default ``[async_api_conductor]engine``.
    :param executor_workers: threads of the shared executor of parallel
        engines (default ``2 * workers``).
    :param host: this host's name, the prefix of the conductors' names
        and written on task events (default: the machine's host name).
    :param periodic_tasks: the service's own periodic work: objects with
        ``start()`` and ``stop()``, started and stopped with the
        conductors (the library's own periodic work always runs).
    """

    def __init__(self, conf, workers=1, persistence=None,
                 board_factory=None, engine=None,
                 executor_workers=None, host=None, periodic_tasks=()):
        if workers < 1:
            raise ValueError('workers must be at least 1, not %s' % workers)
        #: The workers' turns to compute (:mod:`.busy`); an API in the
        #: same process takes them for its submissions too.
        self.turns = busy.BusyRuns(conf.async_api_conductor.busy_runs)
        self.conf = conf
        self.workers = workers
        self._persistence = persistence
        self._own_persistence = persistence is None
        self._board_factory = board_factory or self._open_board
        self._engine = engine or conf.async_api_conductor.engine
        self._executor_workers = executor_workers or 2 * workers
        self._executor = None
        self._keeper = heartbeat.ClaimKeeper(
            conf.async_api_jobboard.claim_expiry)
        self.reconciler = reconciler.Reconciler(conf)
        self.host = host or socket.gethostname()
        self.periodic_tasks = [periodics.library_periodics(conf)]
        self.periodic_tasks.extend(periodic_tasks)
        self.conductors = []
        self._threads = []
        self._boards = []
        self._lock = threading.Lock()

    @property
    def claim_keeper(self):
        """The :class:`~.heartbeat.ClaimKeeper` of this service's jobs."""
        return self._keeper

    def _open_board(self, index, persistence):
        # One renewal per claim: the keeper's (a fenced extend_expiry),
        # not the SQL board's own as well.
        return board_factory.open_board(self.conf, persistence,
                                        renewed_elsewhere=True)

    def start(self):
        """Open the backends and start the conductors' threads."""
        with self._lock:
            if self._threads:
                return
            # Before the first claim: every transition is recorded.
            notifications.setup(self.conf, host=self.host, send=True,
                                service='async-api-conductor')
            if self._persistence is None:
                self._persistence = persistence_factory.open_persistence(
                    self.conf)
            engine_options = {}
            if self._engine == 'parallel':
                self._executor = futurist.ThreadPoolExecutor(
                    max_workers=self._executor_workers)
                engine_options['executor'] = self._executor
            self._keeper.start()
            # One random part per start, told apart by the worker's index:
            # names stay unique across restarts and read as one series.
            prefix = '%s-%s' % (self.host,
                                uuidutils.generate_uuid(dashed=False)[:8])
            for index in range(self.workers):
                board = self._board_factory(index, self._persistence)
                self._boards.append(board)
                conductor = TaskConductor(
                    '%s-%d' % (prefix, index), board,
                    persistence=self._persistence,
                    engine=self._engine, engine_options=engine_options,
                    wait_timeout=self.conf.async_api_jobboard.poll_interval,
                    host=self.host, keeper=self._keeper,
                    conf=self.conf)
                conductor.claim_offset = index
                conductor.busy = self.turns
                thread = threading.Thread(target=self._run, args=(conductor,),
                                          name=conductor.name, daemon=True)
                self.conductors.append(conductor)
                self._threads.append(thread)
                thread.start()
            self.reconciler.start()
            for periodic in self.periodic_tasks:
                periodic.start()
            # The first and last names only: with a hundred workers the
            # whole list made one line of several kilobytes.
            LOG.info('Started %d conductor(s): %s ... %s', self.workers,
                     self.conductors[0].name, self.conductors[-1].name)

    @staticmethod
    def _run(conductor):
        # An error escaping the claim loop (a backend failing in a way
        # nothing translated) must not leave the service one worker short
        # for good: run the loop again after a pause, until stopped.
        while True:
            try:
                conductor.run()
                return
            except Exception:
                LOG.exception('Conductor %s stopped on an error; restarting '
                              'it', conductor.name)
            time.sleep(1.0)
            if conductor._wait_timeout.is_stopped():
                return

    #: Seconds stop() waits, after abandoning the steps still running,
    #: for the conductors to let their jobs go before it releases their
    #: claims itself.
    UNWIND_TIMEOUT = 5.0

    def stop(self, timeout=None):
        """Stop claiming; drain running steps; release what still runs.

        Each running flow stops after its current step: it is suspended
        and its job abandoned, so that another conductor resumes it. Steps
        still running after ``timeout`` seconds (default
        ``[async_api_conductor]graceful_shutdown_timeout``) are abandoned
        (their threads left behind) and the claims still held are
        released on the board, so that other conductors take the jobs at
        once. Returns whether every worker ended; the backends are closed
        either way.
        """
        if timeout is None:
            timeout = self.conf.async_api_conductor.graceful_shutdown_timeout
        self.reconciler.stop()
        for conductor in self.conductors:
            conductor.stop()
        finished = self.wait(timeout)
        if not finished:
            LOG.warning('Steps still running after %.1f s: abandoning them '
                        'and releasing their jobs', timeout)
            for conductor in self.conductors:
                conductor.abandon_running()
            finished = self.wait(self.UNWIND_TIMEOUT)
            # Whatever a worker still holds (stuck outside a step: a retry's
            # wait, a database call) is let go from here.
            self._release_claims()
        notifications.stop_sending()
        for periodic in reversed(self.periodic_tasks):
            try:
                periodic.stop()
            except Exception:
                LOG.exception('Could not stop periodic tasks %s', periodic)
        with self._lock:
            self._keeper.stop()
            for board in self._boards:
                try:
                    board.close()
                except Exception:
                    LOG.exception('Could not close jobboard %s', board)
            self._boards = []
            if self._executor is not None:
                self._executor.shutdown(wait=finished)
                self._executor = None
            if self._own_persistence and self._persistence is not None:
                self._persistence.close()
                self._persistence = None
            self._threads = []
            self.conductors = []
        return finished

    def _release_claims(self):
        """Release on the board every claim the keeper still watches.

        The run is marked lost first, so its reporter writes nothing more
        and its engine stops at its next step boundary, should the worker
        ever come back; the next owner's claim epoch fences it off anyway.
        """
        for claim in self._keeper.claims():
            claim.mark_lost('the conductor is stopping')
            try:
                claim.board.abandon(claim.job, claim.owner)
            except Exception as e:
                # Consumed or released meanwhile, or the board is down: the
                # claim then lapses after its expiry.
                LOG.warning('Could not release job %s of %s: %s',
                            claim.job.uuid, claim.owner, e)
            else:
                LOG.info('Released job %s of %s', claim.job.uuid,
                         claim.owner)
            self._keeper.release(claim)

    def wait(self, timeout=None):
        """Wait for every worker to end; False if ``timeout`` ran out."""
        watch = timeutils.StopWatch(duration=timeout)
        watch.start()
        for thread in list(self._threads):
            thread.join(watch.leftover(return_none=True))
            if thread.is_alive():
                return False
        return True
