"""The SQL of the jobboard: every ownership change is one statement.

Claim, consume, abandon, trash and renew are each a single conditional
``UPDATE``/``DELETE ... WHERE`` whose row count says whether it won. The
condition carries the whole rule (claimable? still the owner? same fencing
epoch?), so the database decides atomically: SQLite serialises writers on
its file lock, and PostgreSQL/MySQL re-check the WHERE clause on the latest
row version after waiting for a concurrent writer's row lock. There is no
read-then-write window for two claimers to slip through.

Each function returns ``(statement, parameters)`` for :func:`run`. The
statements are built once, at import, with bind parameters for every
value: building a statement per call, and computing its cache key, cost
more than running it on SQLite. Those of every claim are also compiled
once per database and run as SQL text (:mod:`async_api.db.direct`).
"""

from oslo_utils import timeutils
import sqlalchemy as sa

from async_api.db import direct
from async_api.jobboard import clock
from async_api.jobboard import models

TABLE = models.JobboardJob.__table__
_C = TABLE.c

#: Columns a job object is built from, plus the database's clock.
_ROW_COLUMNS = (_C.id, _C.uuid, _C.name, _C.priority, _C.status,
                _C.details, _C.book_uuid, _C.book_name, _C.owner, _C.epoch,
                _C.claim_expires_at, _C.created_at, _C.updated_at)


_B = sa.bindparam


def _job():
    return sa.and_(_C.board == _B('b_board'), _C.uuid == _B('b_uuid'))


def _claimable():
    # Never claimed, abandoned, or the lease lapsed by the DB's clock.
    return sa.or_(_C.owner.is_(None), _C.claim_expires_at <= clock.now())


def _fenced():
    # Only the holder of the current claim: a newer claim bumped the epoch.
    return sa.and_(_job(), _C.status == models.POSTED,
                   _C.owner == _B('b_who'), _C.epoch == _B('b_epoch'))


_INSERT_CORE = sa.insert(TABLE).values(
    board=_B('b_board'), uuid=_B('b_uuid'), name=_B('b_name'),
    priority=_B('b_priority'), status=models.POSTED,
    details=_B('b_details'), book_uuid=_B('b_book_uuid'),
    book_name=_B('b_book_name'), owner=None, epoch=0,
    claim_expires_at=None, created_at=_B('b_now'), updated_at=_B('b_now'))
_INSERT = direct.Statement(_INSERT_CORE)
_INSERT_RETURNING = direct.Statement(_INSERT_CORE.returning(_C.id))
_CLAIM_CORE = sa.update(TABLE).where(
    _job(), _C.status == models.POSTED, _claimable(),
).values(owner=_B('b_who'), epoch=_C.epoch + 1,
         claim_expires_at=clock.now() + _B('b_expiry', type_=sa.Double()),
         updated_at=_B('b_now'))
_CLAIM = direct.Statement(_CLAIM_CORE)
_CLAIM_RETURNING = direct.Statement(_CLAIM_CORE.returning(_C.epoch))
_EPOCH = direct.Statement(sa.select(_C.epoch).where(_job()))
_CONSUME = direct.Statement(sa.delete(TABLE).where(_fenced()))
_ABANDON = direct.Statement(sa.update(TABLE).where(_fenced()).values(
    owner=None, claim_expires_at=None, updated_at=_B('b_now')))
_TRASH = direct.Statement(sa.update(TABLE).where(_fenced()).values(
    status=models.TRASHED, claim_expires_at=None, updated_at=_B('b_now')))
_RENEW = direct.Statement(sa.update(TABLE).where(_fenced()).values(
    claim_expires_at=clock.now() + _B('b_expiry', type_=sa.Double())))
_READ = direct.Statement(
    sa.select(*_ROW_COLUMNS, clock.now().label('now')).where(_job()))
_COUNT = direct.Statement(
    sa.select(sa.func.count()).select_from(TABLE).where(
        _C.board == _B('b_board'), _C.status == models.POSTED))


def _listing(only_unclaimed, limited):
    stmt = sa.select(*_ROW_COLUMNS, clock.now().label('now')).where(
        _C.board == _B('b_board'), _C.status == _B('b_status'))
    if only_unclaimed:
        stmt = stmt.where(_claimable())
    stmt = stmt.order_by(_C.priority, _C.id)
    if limited:
        stmt = stmt.limit(_B('b_limit', type_=sa.Integer()))
    return direct.Statement(stmt)


_LISTINGS = {(unclaimed, limited): _listing(unclaimed, limited)
             for unclaimed in (False, True) for limited in (False, True)}


def run(conn, statement):
    """Execute a ``(statement, parameters)`` pair of this module."""
    stmt, params = statement
    return stmt.execute(conn, params)


def rows(conn, statement):
    """The rows of a ``(select, parameters)`` pair of this module."""
    stmt, params = statement
    return stmt.rows(conn, params)


def insert(path, uuid, name, priority, details, book_uuid, book_name,
           returning=False):
    """Post a job.

    Its sequence number is the result's ``lastrowid``, or with
    ``returning`` the value the statement returns.
    """
    return (_INSERT_RETURNING if returning else _INSERT), {
        'b_board': path, 'b_uuid': uuid, 'b_name': name,
        'b_priority': priority, 'b_details': details,
        'b_book_uuid': book_uuid, 'b_book_name': book_name,
        'b_now': timeutils.utcnow()}


def claim(path, uuid, who, expiry, returning=False):
    """Claim a claimable job for ``expiry`` s, moving its epoch on by one.

    With ``returning`` the new epoch comes back in the result; otherwise
    read it in the same transaction (the row lock keeps it ours).
    """
    return (_CLAIM_RETURNING if returning else _CLAIM), {
        'b_board': path, 'b_uuid': uuid, 'b_who': who,
        'b_expiry': float(expiry), 'b_now': timeutils.utcnow()}


def claimed_epoch(path, uuid):
    """Read the epoch just written by :func:`claim` (same transaction)."""
    return _EPOCH, {'b_board': path, 'b_uuid': uuid}


def _fenced_params(path, uuid, who, epoch, **more):
    return dict(more, b_board=path, b_uuid=uuid, b_who=who, b_epoch=epoch)


def consume(path, uuid, who, epoch):
    """Delete the job: it is done. Fenced by owner and epoch."""
    return _CONSUME, _fenced_params(path, uuid, who, epoch)


def abandon(path, uuid, who, epoch):
    """Drop the claim so others may claim the job. Fenced."""
    return _ABANDON, _fenced_params(path, uuid, who, epoch,
                                    b_now=timeutils.utcnow())


def trash(path, uuid, who, epoch):
    """Keep the row for review, out of every listing. Fenced.

    ``owner`` is kept: it says who trashed the job.
    """
    return _TRASH, _fenced_params(path, uuid, who, epoch,
                                  b_now=timeutils.utcnow())


def renew(path, uuid, who, epoch, expiry):
    """Move the lease deadline to ``expiry`` s from now. Fenced."""
    return _RENEW, _fenced_params(path, uuid, who, epoch,
                                  b_expiry=float(expiry))


def read(path, uuid):
    """One job row with the database's ``now``."""
    return _READ, {'b_board': path, 'b_uuid': uuid}


def listing(path, only_unclaimed=False, status=models.POSTED, limit=None):
    """Rows of a board's jobs: by priority (urgent first), then oldest.

    :param limit: at most this many rows (the first ones), or all.
    """
    params = {'b_board': path, 'b_status': status}
    if limit is not None:
        params['b_limit'] = int(limit)
    return _LISTINGS[(bool(only_unclaimed), limit is not None)], params


def count(path):
    """How many jobs are posted (claimed or not) on a board."""
    return _COUNT, {'b_board': path}
