"""Tables of the TaskFlow persistence backend: logbooks, flows, atoms.

The schema mirrors TaskFlow's own ``logbooks``/``flowdetails``/
``atomdetails`` tables under distinct names (``async_api_flow_*``), so both
can live in one database. The library's migrations
(:mod:`async_api.db.migration`) create exactly these tables; a test checks
that they agree.
"""

from oslo_serialization import jsonutils
from oslo_utils import timeutils
import sqlalchemy as sa

from async_api.db import models

UUID_LENGTH = 64
NAME_LENGTH = 255
STATE_LENGTH = 255
VERSION_LENGTH = 64
ATOM_TYPE_LENGTH = 32


class JSONText(sa.types.TypeDecorator):
    """JSON kept as text, encoded with oslo.serialization.

    ``jsonutils`` turns what plain ``json`` rejects (datetimes, sets,
    objects with ``to_dict``...) into primitives, as TaskFlow's own
    backend does, so task results that persisted there persist here.
    Plain text on every database also keeps a PostgreSQL ``json`` type
    (and its serializer settings on a shared engine) out of the way.
    """

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return jsonutils.dumps(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return jsonutils.loads(value)


class FlowLogbook(models.Base):
    """A TaskFlow logbook: the container of one job's flow details."""

    __tablename__ = 'async_api_flow_logbooks'

    # The uuid is the key TaskFlow looks everything up by: keying the
    # table on it saves a second index on the hot path.
    uuid = sa.Column(sa.String(UUID_LENGTH), primary_key=True)
    name = sa.Column(sa.String(NAME_LENGTH), nullable=True)
    meta = sa.Column(JSONText, nullable=True)
    # Both times come from the LogBook object itself (TaskFlow semantics).
    created_at = sa.Column(sa.DateTime, nullable=True)
    updated_at = sa.Column(sa.DateTime, nullable=True)


class FlowDetail(models.Base):
    """The persisted state of one flow run."""

    __tablename__ = 'async_api_flow_details'
    __table_args__ = (
        sa.Index('async_api_flow_details_parent_uuid_idx', 'parent_uuid'),
    )

    uuid = sa.Column(sa.String(UUID_LENGTH), primary_key=True)
    parent_uuid = sa.Column(
        sa.String(UUID_LENGTH),
        sa.ForeignKey('async_api_flow_logbooks.uuid', ondelete='CASCADE'),
        nullable=False)
    name = sa.Column(sa.String(NAME_LENGTH), nullable=True)
    state = sa.Column(sa.String(STATE_LENGTH), nullable=True)
    meta = sa.Column(JSONText, nullable=True)
    created_at = sa.Column(sa.DateTime, nullable=True,
                           default=timeutils.utcnow)
    updated_at = sa.Column(sa.DateTime, nullable=True,
                           onupdate=timeutils.utcnow)


class FlowAtomDetail(models.Base):
    """The persisted state and results of one task or retry of a flow."""

    __tablename__ = 'async_api_flow_atom_details'
    __table_args__ = (
        sa.Index('async_api_flow_atom_details_parent_uuid_idx', 'parent_uuid'),
    )

    uuid = sa.Column(sa.String(UUID_LENGTH), primary_key=True)
    parent_uuid = sa.Column(
        sa.String(UUID_LENGTH),
        sa.ForeignKey('async_api_flow_details.uuid', ondelete='CASCADE'),
        nullable=False)
    name = sa.Column(sa.String(NAME_LENGTH), nullable=True)
    # TASK_DETAIL or RETRY_DETAIL. A string, not an enum: TaskFlow's own
    # tables already own PostgreSQL enum types named like the obvious ones.
    atom_type = sa.Column(sa.String(ATOM_TYPE_LENGTH), nullable=False)
    version = sa.Column(sa.String(VERSION_LENGTH), nullable=True)
    state = sa.Column(sa.String(STATE_LENGTH), nullable=True)
    intention = sa.Column(sa.String(STATE_LENGTH), nullable=True)
    meta = sa.Column(JSONText, nullable=True)
    results = sa.Column(JSONText, nullable=True)
    failure = sa.Column(JSONText, nullable=True)
    revert_results = sa.Column(JSONText, nullable=True)
    revert_failure = sa.Column(JSONText, nullable=True)
    created_at = sa.Column(sa.DateTime, nullable=True,
                           default=timeutils.utcnow)
    updated_at = sa.Column(sa.DateTime, nullable=True,
                           onupdate=timeutils.utcnow)


logbooks = FlowLogbook.__table__
flow_details = FlowDetail.__table__
atom_details = FlowAtomDetail.__table__

#: Every table of this backend, parents first (the order to create them).
TABLES = (logbooks, flow_details, atom_details)
