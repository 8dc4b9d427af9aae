"""Tables of the SQL jobboard.

They live on :class:`async_api.db.models.Base` so that the library's
alembic migrations (:mod:`async_api.db.migration`) own them; a board used
outside async_api can create just these two tables with
:meth:`async_api.jobboard.board.SQLAlchemyJobBoard.upgrade`.
"""

from oslo_db import exception as db_exc
from oslo_utils import timeutils
import sqlalchemy as sa

from async_api.db import models

#: Values of ``async_api_jobboard_jobs.status``. A consumed job is deleted,
#: so it has no status of its own.
POSTED = 'posted'
TRASHED = 'trashed'


class JobboardJob(models.Base):
    """One job posted on one board (``board`` scopes rows per board path).

    ``id`` is the posting sequence: it grows with every post, so it orders
    jobs of one priority oldest first without trusting any clock.

    The claim is ``owner`` plus ``claim_expires_at``, a lease deadline in
    seconds since the epoch *by the database's clock*. ``epoch`` is the
    fencing token: every successful claim adds one to it, and every write
    of an owner is conditional on the epoch it was given.
    """

    __tablename__ = 'async_api_jobboard_jobs'
    __table_args__ = (
        sa.UniqueConstraint('uuid', name='uniq_async_api_jobboard_jobs0uuid'),
        # Serves iterjobs/wait/job_count: one board's live jobs in order.
        sa.Index('async_api_jobboard_jobs_listing_idx',
                 'board', 'status', 'priority', 'id'),
    )

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    board = sa.Column(sa.String(255), nullable=False)
    uuid = sa.Column(sa.String(36), nullable=False)
    name = sa.Column(sa.String(255), nullable=False)
    # 0 (VERY_HIGH) .. 4 (VERY_LOW): sorts ascending, most urgent first.
    priority = sa.Column(sa.Integer, nullable=False)
    status = sa.Column(sa.String(16), nullable=False, default=POSTED)
    # JSON text (oslo.serialization), written once at post time.
    details = sa.Column(sa.Text, nullable=True)
    book_uuid = sa.Column(sa.String(36), nullable=True)
    book_name = sa.Column(sa.String(255), nullable=True)
    owner = sa.Column(sa.String(255), nullable=True)
    epoch = sa.Column(sa.Integer, nullable=False, default=0)
    # Double precision: MySQL's plain FLOAT would round epoch seconds to
    # minutes.
    claim_expires_at = sa.Column(sa.Double, nullable=True)
    created_at = sa.Column(sa.DateTime, nullable=False,
                           default=timeutils.utcnow)
    updated_at = sa.Column(sa.DateTime, nullable=True)


class JobboardEntity(models.Base):
    """An entity (a conductor) registered with a board."""

    __tablename__ = 'async_api_jobboard_entities'
    __table_args__ = (
        sa.UniqueConstraint(
            'board', 'kind', 'name',
            name='uniq_async_api_jobboard_entities0board0kind0name'),
    )

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    board = sa.Column(sa.String(255), nullable=False)
    kind = sa.Column(sa.String(64), nullable=False)
    name = sa.Column(sa.String(255), nullable=False)
    # JSON text of the entity's metadata ("metadata" is reserved by
    # SQLAlchemy's declarative base).
    details = sa.Column(sa.Text, nullable=True)
    created_at = sa.Column(sa.DateTime, nullable=False,
                           default=timeutils.utcnow)
    updated_at = sa.Column(sa.DateTime, nullable=True)


#: The board's tables, in creation order.
TABLES = (JobboardJob.__table__, JobboardEntity.__table__)


def create_tables(engine):
    """Create the board's tables (and indexes) that do not exist yet."""
    try:
        models.Base.metadata.create_all(engine, tables=list(TABLES))
    except (db_exc.DBError, sa.exc.SQLAlchemyError):
        # Another process created them between the check and the create.
        inspector = sa.inspect(engine)
        if not all(inspector.has_table(t.name) for t in TABLES):
            raise
