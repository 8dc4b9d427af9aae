"""The SQL of the jobboard: every ownership change is one statement.

Claim, consume, abandon, trash and renew are each a single conditional
``UPDATE``/``DELETE ... WHERE`` whose row count says whether it won. The
condition carries the whole rule (claimable? still the owner? same fencing
epoch?), so the database decides atomically: SQLite serialises writers on
its file lock, and PostgreSQL/MySQL re-check the WHERE clause on the latest
row version after waiting for a concurrent writer's row lock. There is no
read-then-write window for two claimers to slip through.
"""

from oslo_utils import timeutils
import sqlalchemy as sa

from async_api.jobboard import clock
from async_api.jobboard import models

TABLE = models.JobboardJob.__table__
_C = TABLE.c

#: Columns a job object is built from, plus the database's clock.
_ROW_COLUMNS = (_C.id, _C.uuid, _C.name, _C.priority, _C.status,
                _C.details, _C.book_uuid, _C.book_name, _C.owner, _C.epoch,
                _C.claim_expires_at, _C.created_at, _C.updated_at)


def _job(path, uuid):
    return sa.and_(_C.board == path, _C.uuid == uuid)


def _claimable():
    # Never claimed, abandoned, or the lease lapsed by the DB's clock.
    return sa.or_(_C.owner.is_(None), _C.claim_expires_at <= clock.now())


def _fenced(path, uuid, who, epoch):
    # Only the holder of the current claim: a newer claim bumped the epoch.
    return sa.and_(_job(path, uuid), _C.status == models.POSTED,
                   _C.owner == who, _C.epoch == epoch)


def insert(path, uuid, name, priority, details, book_uuid, book_name):
    """Post a job; ``inserted_primary_key`` is its sequence number."""
    now = timeutils.utcnow()
    return sa.insert(TABLE).values(
        board=path, uuid=uuid, name=name, priority=priority,
        status=models.POSTED, details=details, book_uuid=book_uuid,
        book_name=book_name, owner=None, epoch=0, claim_expires_at=None,
        created_at=now, updated_at=now)


def claim(path, uuid, who, expiry, returning=False):
    """Claim a claimable job for ``expiry`` s, moving its epoch on by one.

    With ``returning`` the new epoch comes back in the result; otherwise
    read it in the same transaction (the row lock keeps it ours).
    """
    stmt = sa.update(TABLE).where(
        _job(path, uuid), _C.status == models.POSTED, _claimable(),
    ).values(owner=who, epoch=_C.epoch + 1,
             claim_expires_at=clock.now() + expiry,
             updated_at=timeutils.utcnow())
    if returning:
        stmt = stmt.returning(_C.epoch)
    return stmt


def claimed_epoch(path, uuid):
    """Read the epoch just written by :func:`claim` (same transaction)."""
    return sa.select(_C.epoch).where(_job(path, uuid))


def consume(path, uuid, who, epoch):
    """Delete the job: it is done. Fenced by owner and epoch."""
    return sa.delete(TABLE).where(_fenced(path, uuid, who, epoch))


def abandon(path, uuid, who, epoch):
    """Drop the claim so others may claim the job. Fenced."""
    return sa.update(TABLE).where(_fenced(path, uuid, who, epoch)).values(
        owner=None, claim_expires_at=None, updated_at=timeutils.utcnow())


def trash(path, uuid, who, epoch):
    """Keep the row for review, out of every listing. Fenced.

    ``owner`` is kept: it says who trashed the job.
    """
    return sa.update(TABLE).where(_fenced(path, uuid, who, epoch)).values(
        status=models.TRASHED, claim_expires_at=None,
        updated_at=timeutils.utcnow())


def renew(path, uuid, who, epoch, expiry):
    """Move the lease deadline to ``expiry`` s from now. Fenced."""
    return sa.update(TABLE).where(_fenced(path, uuid, who, epoch)).values(
        claim_expires_at=clock.now() + expiry)


def read(path, uuid):
    """One job row with the database's ``now``."""
    return sa.select(*_ROW_COLUMNS, clock.now().label('now')).where(
        _job(path, uuid))


def listing(path, only_unclaimed=False, status=models.POSTED):
    """Rows of a board's jobs: by priority (urgent first), then oldest."""
    stmt = sa.select(*_ROW_COLUMNS, clock.now().label('now')).where(
        _C.board == path, _C.status == status)
    if only_unclaimed:
        stmt = stmt.where(_claimable())
    return stmt.order_by(_C.priority, _C.id)


def count(path):
    """How many jobs are posted (claimed or not) on a board."""
    return sa.select(sa.func.count()).select_from(TABLE).where(
        _C.board == path, _C.status == models.POSTED)
