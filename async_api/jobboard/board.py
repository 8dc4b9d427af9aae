"""A TaskFlow jobboard on a SQL database.

Registered as the ``sqlalchemy`` entry point of ``taskflow.jobboards``::

    from taskflow.jobs import backends
    board = backends.fetch('my-board', {
        'board': 'sqlalchemy',
        'connection': 'postgresql+psycopg2://user:pw@host/db',
        'claim_expiry': 30,
    }, persistence=persistence)
    board.connect()

Configuration keys (strings are accepted, as from a URI or config file):

``connection``
    SQLAlchemy URL (required unless a ``database`` keyword is given).
``path`` (alias ``namespace``)
    Scopes the rows, so several boards can share one database. Boards with
    the same path see the same jobs. Default ``taskflow``.
``claim_expiry``
    Lease, in seconds, of a claim made without ``expiry`` (TaskFlow's
    conductors never pass one). Default 30.
``auto_renew``
    Renew claims made with the default expiry from a background thread
    until they are consumed, abandoned or trashed. Default true.
``renew_interval``
    Seconds between renewals. Default ``claim_expiry / 3``.
``wait_interval``
    Seconds between polls of the table in :meth:`wait`. Default 0.5.
``wait_limit``
    The most jobs one :meth:`wait` lists (the most urgent, oldest ones).
    A claimer takes the first it can, so listing a long backlog in full
    for every claim would cost time in proportion to the backlog.
    Default 16.
``create_tables``
    Create the board's tables on :meth:`connect` if missing (standalone
    use; async_api's migrations create them otherwise). Default false.
``engine_options``
    Dict of engine options: oslo.db's (``max_pool_size``, ...) for
    PostgreSQL/MySQL, ``pool_size`` for SQLite files.
"""

import threading

from oslo_serialization import jsonutils
from oslo_utils import strutils
from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa
from taskflow import exceptions as excp
from taskflow.jobs import base
from taskflow import states

from async_api.jobboard import database as database_mod
from async_api.jobboard import entities
from async_api.jobboard import exceptions
from async_api.jobboard import job as sql_job
from async_api.jobboard import models
from async_api.jobboard import renewer
from async_api.jobboard import statements as stmts
from async_api.jobboard import wakeup


class SQLAlchemyJobBoard(base.JobBoard):
    """A jobboard whose jobs are rows of ``jobboard_jobs``.

    Claims are leases timed by the database's clock and fenced by an epoch
    that each claim moves on (see :mod:`async_api.jobboard.statements`).
    :meth:`iterjobs` and :meth:`wait` yield jobs by priority (VERY_HIGH
    first), then in posting order (oldest first). Consumed jobs are
    deleted; trashed jobs stay in the table with status ``trashed``
    (:meth:`trashed_jobs`).

    :param persistence: TaskFlow persistence backend the jobs' logbooks are
        loaded from.
    :param database: an :class:`async_api.db.engine.Database` to share
        (the embedded service's); the board then neither needs
        ``connection`` nor disposes the engine on :meth:`close`.
    """

    DEFAULT_PATH = 'taskflow'
    DEFAULT_CLAIM_EXPIRY = 30.0
    DEFAULT_WAIT_INTERVAL = 0.5
    DEFAULT_WAIT_LIMIT = 16

    def __init__(self, name, conf, persistence=None, database=None):
        super().__init__(name, conf)
        conf = self._conf
        if database is None and not conf.get('connection'):
            raise ValueError("The sqlalchemy jobboard needs a 'connection'")
        self._path = str(conf.get('path') or conf.get('namespace')
                         or self.DEFAULT_PATH)
        self._claim_expiry = self._positive(
            'claim_expiry', conf.get('claim_expiry',
                                     self.DEFAULT_CLAIM_EXPIRY))
        self._auto_renew = strutils.bool_from_string(
            conf.get('auto_renew', True), strict=True)
        self._wait_interval = self._positive(
            'wait_interval', conf.get('wait_interval',
                                      self.DEFAULT_WAIT_INTERVAL))
        self._wait_limit = int(self._positive(
            'wait_limit', conf.get('wait_limit', self.DEFAULT_WAIT_LIMIT)))
        self._create_tables = strutils.bool_from_string(
            conf.get('create_tables', False), strict=True)
        renew_interval = self._positive(
            'renew_interval', conf.get('renew_interval',
                                       self._claim_expiry / 3.0))
        self._persistence = persistence
        self._shared_database = database
        self._database = database
        self._returning = False
        self._connected = False
        self._lock = threading.RLock()
        self._keeper = renewer.LeaseKeeper(self._renew, renew_interval)
        # Whether the last wait() ran out with nothing found.
        self._idle = False
        self._channel = None

    @staticmethod
    def _positive(key, value):
        value = float(value)
        if value <= 0:
            raise ValueError('%s must be greater than zero, not %s'
                             % (key, value))
        return value

    @property
    def path(self):
        """The path (namespace) this board's rows are scoped by."""
        return self._path

    @property
    def claim_expiry(self):
        """Default claim lease in seconds."""
        return self._claim_expiry

    @property
    def connected(self):
        return self._connected

    def connect(self):
        """Open the engine (creating the tables if ``create_tables``)."""
        with self._lock:
            self.close()
            if self._database is None:
                options = self._conf.get('engine_options') or {}
                self._database = database_mod.open_database(
                    self._conf['connection'], **options)
            engine = self._database.engine
            with exceptions.translate_failures('connecting'):
                if self._create_tables:
                    self.upgrade()
                with engine.connect() as conn:
                    conn.execute(sa.select(1))
            self._returning = bool(engine.dialect.update_returning)
            self._channel = wakeup.channel(
                engine.url.render_as_string(hide_password=True), self._path)
            self._connected = True

    def close(self):
        """Stop renewing claims and release the engine.

        Claims held are not abandoned: they lapse after their lease, so a
        restarted conductor's jobs are picked up by the others.
        """
        with self._lock:
            self._keeper.stop()
            self._connected = False
            if self._database is not None and self._shared_database is None:
                self._database.dispose()
                self._database = None

    def upgrade(self):
        """Create the board's tables if they do not exist (standalone use).

        Within async_api, the library's migrations (``async-api-dbsync``)
        create them instead.
        """
        models.create_tables(self._engine())

    def _engine(self):
        if self._database is None:
            raise excp.JobFailure('Jobboard %s is not connected' % self.name)
        return self._database.engine

    def _checked_engine(self):
        # Like the other boards, a closed board refuses to read or write.
        if not self._connected:
            raise excp.JobFailure('Jobboard %s is not connected' % self.name)
        return self._engine()

    # Listing -----------------------------------------------------------

    def _make_job(self, row):
        book_data = None
        if row.book_uuid is not None:
            book_data = {'uuid': row.book_uuid, 'name': row.book_name}
        details = jsonutils.loads(row.details) if row.details else {}
        return sql_job.SQLAlchemyJob(
            self, row.name, row.id, row.uuid,
            sql_job.PRIORITY_ORDER[row.priority], details=details,
            created_on=row.created_at, backend=self._persistence,
            book_data=book_data, owner=row.owner, epoch=row.epoch)

    def _fetch(self, only_unclaimed=False, status=models.POSTED,
               limit=None):
        engine = self._checked_engine()
        with exceptions.translate_failures('listing jobs'):
            with engine.connect() as conn:
                rows = stmts.rows(conn, stmts.listing(
                    self._path, only_unclaimed, status, limit))
        return [self._make_job(row) for row in rows]

    def iterjobs(self, only_unclaimed=False, ensure_fresh=False):
        """Jobs on the board: by priority (most urgent first), then oldest.

        Every call reads the table, so listings are always fresh
        (``ensure_fresh`` changes nothing). With ``only_unclaimed`` jobs
        whose lease has lapsed are included: they are claimable.
        """
        return sql_job.Listing(self, self._fetch(only_unclaimed),
                               only_unclaimed=only_unclaimed,
                               ensure_fresh=ensure_fresh)

    def trashed_jobs(self):
        """Jobs that were trashed, oldest first, for review."""
        return self._fetch(status=models.TRASHED)

    def wait(self, timeout=None, stopped=None, skip=None):
        """Wait until a claimable job exists; iterate claimable jobs.

        The listing holds the first ``wait_limit`` claimable jobs in the
        board's order, which is what a claimer tries first; call again
        for more. One idle board of the process polls every
        ``wait_interval`` seconds and wakes the others when it finds jobs;
        a post in this process wakes one at once. Raises NotFound after
        ``timeout`` seconds, or once ``stopped()`` is true after
        :meth:`interrupt`.

        :param skip: ``skip(job_uuid)`` is true for a job the caller will
            not try (another worker of its process is claiming it): such
            jobs are left out, and a listing of nothing else is no reason
            to return, or to wake other boards.
        """
        watch = timeutils.StopWatch(duration=timeout)
        watch.start()
        # Back from work, look at once; back from an idle wait that ran
        # out, take turns with the other idle boards.
        woken = not self._idle
        polling = False
        try:
            while True:
                # Read before stopped(): an interrupt after it ends the
                # sleep below at once.
                interrupts = self._channel.interrupts
                if stopped is not None and stopped():
                    raise excp.NotFound('Stopped waiting for jobs')
                self._checked_engine()
                if woken or self._channel.poll_due(self._wait_interval):
                    jobs = self._fetch(only_unclaimed=True,
                                       limit=self._wait_limit)
                    if skip is not None:
                        jobs = [job for job in jobs if not skip(job.uuid)]
                    if jobs:
                        # The others may claim the rest.
                        self._channel.wake(len(jobs) - 1)
                        self._idle = False
                        return sql_job.Listing(self, jobs,
                                               only_unclaimed=True)
                if watch.expired():
                    self._idle = True
                    raise excp.NotFound('Expired waiting for jobs to '
                                        'arrive; waited %s seconds'
                                        % watch.elapsed())
                polling = polling or self._channel.take_poll()
                delay = self._wait_interval if polling else None
                left = watch.leftover(return_none=True)
                if left is not None:
                    delay = left if delay is None else min(delay, left)
                woken = self._channel.wait(delay, since=interrupts)
        finally:
            if polling:
                self._channel.release_poll()

    def interrupt(self):
        """End the waits of this process's boards on this path at once.

        Each one returns if its ``stopped()`` says so, else waits on.
        """
        if self._channel is not None:
            self._channel.interrupt()

    @property
    def job_count(self):
        """Jobs posted and not yet consumed or trashed (claimed or not)."""
        engine = self._checked_engine()
        with exceptions.translate_failures('counting jobs'):
            with engine.connect() as conn:
                return stmts.run(conn, stmts.count(self._path)).scalar_one()

    def _read(self, job):
        engine = self._checked_engine()
        with exceptions.translate_failures('reading job %s' % job.uuid):
            with engine.connect() as conn:
                found = stmts.rows(conn, stmts.read(self._path, job.uuid))
        return found[0] if found else None

    @staticmethod
    def _state_of(row):
        if row is None or row.status != models.POSTED:
            return states.COMPLETE
        if (row.owner is not None and row.claim_expires_at is not None
                and row.claim_expires_at > row.now):
            return states.CLAIMED
        return states.UNCLAIMED

    def find_owner(self, job):
        """Who holds a live claim on ``job``, else None."""
        row = self._read(job)
        if self._state_of(row) == states.CLAIMED:
            return row.owner
        return None

    # Ownership changes ---------------------------------------------------

    @property
    def engine(self):
        """The SQLAlchemy engine of the board's database."""
        return self._checked_engine()

    def post(self, name, book=None, details=None,
             priority=base.JobPriority.NORMAL):
        """Post a job; it is listed after older jobs of its priority."""
        engine = self._checked_engine()
        with exceptions.translate_failures('posting job %s' % name):
            with engine.begin() as conn:
                job = self.post_within(conn, name, book=book,
                                       details=details, priority=priority)
        self.announce()
        return job

    def post_within(self, conn, name, book=None, details=None,
                    priority=base.JobPriority.NORMAL, job_uuid=None):
        """Insert a job in the caller's transaction, on ``conn`` (the
        board's database).

        The job is on the board once the caller commits; the caller then
        calls :meth:`announce`. Database errors are the caller's to
        handle, with the rest of its transaction.

        :param job_uuid: the job's uuid, when the caller chose it (to
            store it elsewhere in the same transaction); a new one if None.
        """
        job_uuid = job_uuid or uuidutils.generate_uuid()
        priority = base.JobPriority.convert(priority)
        details = details or {}
        book_uuid = book.uuid if book is not None else None
        book_name = book.name if book is not None else None
        returning = bool(conn.dialect.insert_returning)
        result = stmts.run(conn, stmts.insert(
            self._path, job_uuid, name, sql_job.priority_rank(priority),
            jsonutils.dumps(details), book_uuid, book_name,
            returning=returning))
        sequence = result.scalar() if returning else result.lastrowid
        book_data = None
        if book is not None:
            book_data = {'uuid': book_uuid, 'name': book_name}
        return sql_job.SQLAlchemyJob(
            self, name, sequence, job_uuid, priority, details=details,
            created_on=timeutils.utcnow(), backend=self._persistence,
            book=book, book_data=book_data)

    def announce(self):
        """Say a job was posted: an idle conductor of this process looks
        at once (those of other processes see it at their next poll)."""
        self._channel.notify()

    @base.check_who
    def claim(self, job, who, expiry=None, then=None):
        """Claim ``job`` for ``expiry`` s (default ``claim_expiry``).

        Raises UnclaimableJob if someone holds a live claim (``who``
        included), NotFound if the job was consumed or trashed. On success
        ``job.epoch`` is the new fencing epoch.

        :param then: ``then(connection)``, called in the claim's
            transaction once the job is claimed (never for a refused
            claim), so that what it writes on the board's database
            commits with the claim or not at all.
        :returns: what ``then`` returned (None without it).
        """
        lease = self._claim_expiry if expiry is None else self._positive(
            'expiry', expiry)
        engine = self._checked_engine()
        with exceptions.translate_failures('claiming job %s' % job.uuid):
            with engine.begin() as conn:
                result = stmts.run(conn, stmts.claim(
                    self._path, job.uuid, who, lease,
                    returning=self._returning))
                if self._returning:
                    epoch = result.scalar_one_or_none()
                elif result.rowcount == 1:
                    epoch = stmts.run(conn, stmts.claimed_epoch(
                        self._path, job.uuid)).scalar_one()
                else:
                    epoch = None
                done = None
                if epoch is not None and then is not None:
                    done = then(conn)
        if epoch is None:
            row = self._read(job)
            if row is None or row.status != models.POSTED:
                raise excp.NotFound('Job %s not found to be claimed'
                                    % job.uuid)
            raise excp.UnclaimableJob('Job %s already claimed by %s'
                                      % (job.uuid, row.owner))
        job._claimed(who, epoch)
        if expiry is None and self._auto_renew:
            self._keeper.hold(job, lease)
        return done

    def _fenced_write(self, action, job, who, statement):
        engine = self._checked_engine()
        with exceptions.translate_failures('%s job %s' % (action, job.uuid)):
            with engine.begin() as conn:
                rowcount = stmts.run(conn, statement).rowcount
        if rowcount != 1:
            raise self._refusal(action, job, who)

    def _refusal(self, action, job, who):
        """The exception explaining why a fenced write matched no row."""
        row = self._read(job)
        if row is None or row.status != models.POSTED:
            return excp.NotFound('Job %s not found to be %s'
                                 % (job.uuid, action))
        if row.owner is None:
            return excp.NotFound('Can not %s job %s which is not claimed'
                                 % (action, job.uuid))
        return exceptions.StaleClaim(
            'Can not %s job %s: the claim of %s at epoch %s is stale (the '
            'job is claimed by %s at epoch %s)'
            % (action, job.uuid, who, job.epoch, row.owner, row.epoch),
            held_epoch=job.epoch, current_epoch=row.epoch,
            current_owner=row.owner)

    @base.check_who
    def consume(self, job, who):
        """Delete ``job``: done. Only the current claim (epoch) may."""
        self._finishing_write('consume', job, who, stmts.consume(
            self._path, job.uuid, who, job.epoch))

    def consume_within(self, conn, job, who):
        """Delete ``job`` on ``conn``, in the caller's transaction.

        For a conductor that records its task's end on the board's
        database: the job goes with that record or not at all.

        :returns: whether this claim (owner and epoch) deleted it; call
            :meth:`consumed` once the transaction has committed.
        """
        return stmts.run(conn, stmts.consume(
            self._path, job.uuid, who, job.epoch)).rowcount == 1

    def consumed(self, job):
        """``job`` was consumed by :meth:`consume_within`: stop renewing
        its claim."""
        self._keeper.release(job)

    @base.check_who
    def abandon(self, job, who):
        """Release the claim so that ``job`` can be claimed again."""
        self._finishing_write('abandon', job, who, stmts.abandon(
            self._path, job.uuid, who, job.epoch))

    @base.check_who
    def trash(self, job, who):
        """Take ``job`` off the board, keeping its row (``trashed``)."""
        self._finishing_write('trash', job, who, stmts.trash(
            self._path, job.uuid, who, job.epoch))

    def _finishing_write(self, action, job, who, statement):
        """A consume, abandon or trash: the claimer is done with ``job``.

        The lease is no longer renewed whether the write succeeds or not.
        If the database refused it (an outage), the claim then lapses
        within ``claim_expiry`` and another conductor takes the job up
        again; renewing it would keep a claim alive for a run that is
        over, and the job (and the lane behind its task) stuck for good.
        """
        try:
            self._fenced_write(action, job, who, statement)
        finally:
            self._keeper.release(job)

    def _renew(self, job, expiry):
        if job.owner is None:
            raise excp.NotFound('Can not renew job %s which is not claimed'
                                % job.uuid)
        self._fenced_write('renew', job, job.owner, stmts.renew(
            self._path, job.uuid, job.owner, job.epoch,
            self._positive('expiry', expiry)))

    def _extend(self, job, expiry):
        self._renew(job, expiry)
        return True

    def register_entity(self, entity):
        """Record ``entity`` (a conductor) in ``jobboard_entities``."""
        engine = self._checked_engine()
        with exceptions.translate_failures('registering %s' % entity.name):
            entities.register(engine, self._path, entity)

    def registered_entities(self, kind=None):
        """``(kind, name, metadata)`` of the entities registered here."""
        engine = self._checked_engine()
        with exceptions.translate_failures('listing entities'):
            return entities.registered(engine, self._path, kind)
