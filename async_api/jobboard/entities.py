"""Entities (conductors) registered with a board."""

from oslo_db import exception as db_exc
from oslo_serialization import jsonutils
from oslo_utils import timeutils
import sqlalchemy as sa

from async_api.jobboard import models

TABLE = models.JobboardEntity.__table__


def register(engine, path, entity):
    """Insert or refresh one entity row of board ``path``."""
    details = jsonutils.dumps(entity.metadata or {})
    now = timeutils.utcnow()
    where = sa.and_(TABLE.c.board == path, TABLE.c.kind == entity.kind,
                    TABLE.c.name == entity.name)
    with engine.begin() as conn:
        # Update first: re-registration after a restart is the common case.
        updated = conn.execute(sa.update(TABLE).where(where).values(
            details=details, updated_at=now)).rowcount
    if updated:
        return
    try:
        with engine.begin() as conn:
            conn.execute(sa.insert(TABLE).values(
                board=path, kind=entity.kind, name=entity.name,
                details=details, created_at=now, updated_at=now))
    except (db_exc.DBDuplicateEntry, sa.exc.IntegrityError):
        pass  # A twin registered at the same moment: same outcome.


def registered(engine, path, kind=None):
    """``(kind, name, metadata)`` of a board's entities, by name."""
    stmt = sa.select(TABLE.c.kind, TABLE.c.name, TABLE.c.details).where(
        TABLE.c.board == path).order_by(TABLE.c.kind, TABLE.c.name)
    if kind is not None:
        stmt = stmt.where(TABLE.c.kind == kind)
    with engine.connect() as conn:
        return [(row.kind, row.name, jsonutils.loads(row.details or '{}'))
                for row in conn.execute(stmt)]
