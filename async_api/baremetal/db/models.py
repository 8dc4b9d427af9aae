"""SQLAlchemy models of the reference bare-metal service's own tables.

They live beside the library's (:mod:`async_api.db.models`) in the same
database, with a declarative base and a migration history of their own
(``async_api/baremetal/db/migrations``).
"""

from oslo_db.sqlalchemy import models
from oslo_utils import timeutils
import sqlalchemy as sa
from sqlalchemy import orm


class Base(models.ModelBase, orm.DeclarativeBase):
    """Declarative base of the bare-metal service's tables."""


def _timestamps():
    return (
        sa.Column('created_at', sa.DateTime, nullable=False,
                  default=timeutils.utcnow),
        sa.Column('updated_at', sa.DateTime, nullable=True,
                  onupdate=timeutils.utcnow),
    )


def _name_scope(context):
    return context.get_current_parameters().get('project_id') or ''


class Node(Base):
    """A bare-metal node: the reference service's resource."""

    __tablename__ = 'nodes'
    __table_args__ = (
        sa.UniqueConstraint('uuid', name='uniq_nodes0uuid'),
        # Names are unique per project (name_scope), not across them.
        sa.UniqueConstraint('name_scope', 'name',
                            name='uniq_nodes0name_scope0name'),
        sa.Index('nodes_project_id_idx', 'project_id'),
    )

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    name = sa.Column(sa.String(255), nullable=True)
    project_id = sa.Column(sa.String(255), nullable=True)
    # The project a name is unique in, '' for nodes of no project: a
    # unique constraint treats NULLs as distinct, and partial or
    # functional indexes are not on every supported database. Set from
    # project_id on insert; nothing changes a node's project after that.
    name_scope = sa.Column(sa.String(255), nullable=False,
                           default=_name_scope)
    driver = sa.Column(sa.String(64), nullable=False)
    # Secrets inside are masked by the API; stored as given.
    driver_info = sa.Column(sa.JSON, nullable=False, default=dict)
    extra = sa.Column(sa.JSON, nullable=False, default=dict)
    power_state = sa.Column(sa.String(15), nullable=True)
    target_power_state = sa.Column(sa.String(15), nullable=True)
    provision_state = sa.Column(sa.String(15), nullable=False,
                                default='available')
    sync_state = sa.Column(sa.String(15), nullable=False, default='in_sync')
    last_error = sa.Column(sa.Text, nullable=True)
    last_task_uuid = sa.Column(sa.String(36), nullable=True)
    # Last stored driver validation, so GET .../validate never reaches a BMC.
    validation = sa.Column(sa.JSON, nullable=True)
    validated_at = sa.Column(sa.DateTime, nullable=True)
    created_at, updated_at = _timestamps()


class Conductor(Base):
    """A conductor process's heartbeat.

    Periodic sweeps (power sync, validation) divide nodes among the
    conductors whose heartbeat is recent, so that each node is looked at
    by one conductor per sweep.
    """

    __tablename__ = 'conductors'
    __table_args__ = (
        sa.UniqueConstraint('hostname', name='uniq_conductors0hostname'),
    )

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    hostname = sa.Column(sa.String(255), nullable=False)
    created_at = sa.Column(sa.DateTime, nullable=False,
                           default=timeutils.utcnow)
    heartbeat_at = sa.Column(sa.DateTime, nullable=False,
                             default=timeutils.utcnow)
