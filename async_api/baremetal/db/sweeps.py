"""What conductors' periodic sweeps read and write: heartbeats, the nodes
to sweep, and sync results written only if no task took the node since.

Touches only the database.
"""

import datetime

from oslo_db import exception as db_exc
from oslo_utils import timeutils
import sqlalchemy as sa

import async_api
from async_api.baremetal.db import models

_TABLE = models.Conductor.__table__


def heartbeat(hostname):
    """Record that ``hostname`` is alive now."""
    now = timeutils.utcnow()
    with async_api.database().writer.using() as session:
        updated = session.execute(sa.update(_TABLE).where(
            _TABLE.c.hostname == hostname).values(heartbeat_at=now)).rowcount
    if updated:
        return
    try:
        with async_api.database().writer.using() as session:
            session.execute(sa.insert(_TABLE).values(
                hostname=hostname, created_at=now, heartbeat_at=now))
    except db_exc.DBDuplicateEntry:
        pass  # Registered by a twin at the same moment: same outcome.


def unregister(hostname):
    """Forget ``hostname`` (on a clean stop: its share moves at once)."""
    with async_api.database().writer.using() as session:
        session.execute(sa.delete(_TABLE).where(_TABLE.c.hostname == hostname))


def alive(liveness):
    """Hostnames with a heartbeat in the last ``liveness`` seconds."""
    since = timeutils.utcnow() - datetime.timedelta(seconds=liveness)
    with async_api.database().reader.using() as session:
        rows = session.execute(sa.select(_TABLE.c.hostname).where(
            _TABLE.c.heartbeat_at >= since).order_by(_TABLE.c.hostname))
        return [row.hostname for row in rows]


def candidates():
    """``(uuid, driver, has_active_task)`` of every node, in one query.

    Sweeps skip nodes with an active task: the task's own steps read and
    write the hardware and the node, and a sweep must not race them.
    """
    nodes = models.Node.__table__
    active = async_api.active_task_exists(nodes.c.uuid)
    stmt = sa.select(nodes.c.uuid, nodes.c.driver, active.label('busy'))
    with async_api.database().reader.using() as session:
        return [(row.uuid, row.driver, bool(row.busy))
                for row in session.execute(stmt)]


def update_if_idle(uuid, seen_task_uuid, values):
    """Update the node unless a task took it since it was read.

    The node must still have ``last_task_uuid == seen_task_uuid``, no
    active task and a ``sync_state`` a sweep may change (not ``syncing``
    nor ``error``). Returns whether the row was updated.
    """
    nodes = models.Node.__table__
    active = async_api.active_task_exists(nodes.c.uuid)
    if seen_task_uuid is None:
        same_task = nodes.c.last_task_uuid.is_(None)
    else:
        same_task = nodes.c.last_task_uuid == seen_task_uuid
    values = dict(values, updated_at=timeutils.utcnow())
    with async_api.database().writer.using() as session:
        return bool(session.execute(sa.update(nodes).where(
            nodes.c.uuid == uuid, same_task, ~active,
            nodes.c.sync_state.in_(('in_sync', 'out_of_sync')))
            .values(**values)).rowcount)
