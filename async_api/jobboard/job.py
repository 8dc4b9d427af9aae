"""The job object handed out by the SQL jobboard."""

import functools
import logging

from taskflow.jobs import base

LOG = logging.getLogger(__name__)

#: JobPriority values from most to least urgent; the index is what the
#: ``priority`` column stores, so ``ORDER BY priority`` puts urgent first.
PRIORITY_ORDER = (
    base.JobPriority.VERY_HIGH,
    base.JobPriority.HIGH,
    base.JobPriority.NORMAL,
    base.JobPriority.LOW,
    base.JobPriority.VERY_LOW,
)


def priority_rank(priority):
    """The stored integer of a :class:`~taskflow.jobs.base.JobPriority`."""
    return PRIORITY_ORDER.index(base.JobPriority.convert(priority))


@functools.total_ordering
class SQLAlchemyJob(base.Job):
    """A job row of :class:`~async_api.jobboard.board.SQLAlchemyJobBoard`.

    Besides TaskFlow's :class:`~taskflow.jobs.base.Job` interface it carries
    the claim it was listed with or last claimed under: :attr:`owner` and
    :attr:`epoch`, the fencing token that consume, abandon, trash and
    :meth:`extend_expiry` are checked against. ``state``,
    ``last_modified`` and :meth:`expires_in` always read the database.

    Jobs sort like the board lists them: by priority (most urgent first),
    then by :attr:`sequence` (oldest post first).
    """

    def __init__(self, board, name, sequence, uuid, priority,
                 details=None, created_on=None, backend=None, book=None,
                 book_data=None, owner=None, epoch=0):
        super().__init__(board, name, uuid=uuid, details=details,
                         backend=backend, book=book, book_data=book_data)
        self._sequence = sequence
        self._priority = base.JobPriority.convert(priority)
        self._created_on = created_on
        self._owner = owner
        self._epoch = epoch

    @property
    def sequence(self):
        """Posting sequence number (grows with each post on the database)."""
        return self._sequence

    @property
    def priority(self):
        return self._priority

    @property
    def epoch(self):
        """Fencing epoch of the claim this object holds or was listed with.

        It grows by one with every claim of the job. A write fenced with an
        older epoch than the row's is refused with
        :class:`~async_api.jobboard.exceptions.StaleClaim`.
        """
        return self._epoch

    @property
    def owner(self):
        """Owner recorded when this object was listed or claimed."""
        return self._owner

    @property
    def created_on(self):
        return self._created_on

    @property
    def last_modified(self):
        row = self._board._read(self)
        if row is None:
            return None
        return max(row.updated_at or row.created_at, self._created_on)

    @property
    def state(self):
        """UNCLAIMED, CLAIMED or COMPLETE (consumed or trashed)."""
        return self._board._state_of(self._board._read(self))

    def expires_in(self):
        """Seconds until the claim lapses, by the database's clock.

        Zero or less means the lease has lapsed (the job is claimable
        again); None means the job has no claim (or is gone).
        """
        row = self._board._read(self)
        if row is None or row.owner is None or row.claim_expires_at is None:
            return None
        return row.claim_expires_at - row.now

    def extend_expiry(self, expiry):
        """Renew this object's claim: it now lapses ``expiry`` s from now.

        The renewal is fenced by :attr:`epoch`: it fails with
        :class:`~async_api.jobboard.exceptions.StaleClaim` once anyone has
        claimed the job since, and with
        :class:`taskflow.exceptions.NotFound` if the job is gone or not
        claimed. A claim that lapsed but was not claimed by anyone else is
        renewed. Returns True (unlike the Redis board, failure raises).
        """
        return self._board._extend(self, expiry)

    def _claimed(self, who, epoch):
        self._owner = who
        self._epoch = epoch

    def _sort_key(self):
        return (self._board.path, PRIORITY_ORDER.index(self._priority),
                self._sequence)

    def __lt__(self, other):
        if not isinstance(other, SQLAlchemyJob):
            return NotImplemented
        return self._sort_key() < other._sort_key()

    def __eq__(self, other):
        if not isinstance(other, SQLAlchemyJob):
            return NotImplemented
        return (self._board.path, self.uuid) == (other._board.path,
                                                 other.uuid)

    def __hash__(self):
        return hash((self._board.path, self.uuid))


class Listing(base.JobBoardIterator):
    """Iterates a listing already filtered and ordered by the database.

    The stock iterator re-reads every job's state (one query per job); the
    listing's WHERE clause has applied the same filter at the same moment.
    """

    def __init__(self, board, jobs, only_unclaimed=False,
                 ensure_fresh=False):
        super().__init__(board, LOG, only_unclaimed=only_unclaimed,
                         ensure_fresh=ensure_fresh)
        self._jobs.extend(jobs)
        self._fetched = True

    def _next_job(self):
        return self._jobs.popleft() if self._jobs else None
