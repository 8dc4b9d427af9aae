"""Data access for nodes. Touches only the database.

The two calls a run makes for every step, :func:`get_node` and
:func:`update_node`, are Core statements compiled once and run directly
(:class:`async_api.Statement`) on a plain connection, and return rows
(read-only named tuples, attribute access like a model): through the ORM
they cost about four times as much as through Core (measured on SQLite:
380-550 us a read and 600-800 us an update, against 110 and 150-230 us),
and SQLAlchemy's per-execution work was most of what remained. A power
task makes four reads and three updates of its node (the accept, the
run and the fake driver's "hardware"). An ORM session only to hold that
connection cost a third of a read (110 against 70 us), and every accept
makes one.
"""

import functools
import types

from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import utils as db_utils
from oslo_log import log
from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa

import async_api
from async_api.baremetal import exception as bm_exception
from async_api.baremetal.db import models

SORT_KEYS = ('created_at', 'updated_at', 'name', 'uuid', 'driver',
             'power_state', 'provision_state')
FILTERS = ('driver', 'power_state', 'provision_state', 'sync_state',
           'project_id')

_NODES = models.Node.__table__

LOG = log.getLogger(__name__)


def create_node(values):
    """Insert a node; ``uuid`` is generated unless given."""
    values = dict(values)
    values.setdefault('uuid', uuidutils.generate_uuid())
    node = models.Node(**values)
    try:
        with async_api.database().writer.using() as session:
            session.add(node)
            session.flush()
            session.expunge(node)
    except db_exc.DBDuplicateEntry as error:
        if 'uuid' in (error.columns or ()):
            raise bm_exception.NodeExists(
                'A node with UUID %s already exists' % values['uuid'])
        raise bm_exception.DuplicateName(
            'A node named %s already exists' % values.get('name'))
    return node


def _one(nodes, ident):
    """The one node of ``nodes`` (at most two), or None.

    Names are unique per project, so a look-up by name across projects
    (an admin's) may find several: AmbiguousNodeName then.
    """
    if len(nodes) > 1:
        raise bm_exception.AmbiguousNodeName(
            'Several projects have a node named %s; use its UUID' % ident)
    return nodes[0] if nodes else None


@functools.cache
def _select(column, scoped):
    """SELECT of the nodes whose ``column`` is ``:ident`` (two at most)."""
    query = sa.select(_NODES).where(_NODES.c[column] == sa.bindparam('ident'))
    if scoped:
        query = query.where(_NODES.c.project_id == sa.bindparam('project'))
    return async_api.Statement(query.limit(2))


def _find(connection, ident, project_id=None):
    column = 'uuid' if uuidutils.is_uuid_like(ident) else 'name'
    return _one(_select(column, project_id is not None).rows(
        connection, {'ident': ident, 'project': project_id}), ident)


def get_node(ident, project_id=None):
    """A node by UUID or name; NodeNotFound if it is not there.

    :param project_id: look in this project only; None: in every one.
    """
    with async_api.database().engine.connect() as connection:
        node = _find(connection, ident, project_id)
    if node is None:
        raise bm_exception.NodeNotFound('Node %s could not be found' % ident)
    return node


def list_nodes(filters=None, limit=None, marker=None, sort_key='created_at',
               sort_dir='asc', project_id=None):
    """Nodes matching ``filters`` (exact values), one page of them.

    :param project_id: this project's nodes only; None: every project's.
    """
    with async_api.database().reader.using() as session:
        query = session.query(models.Node)
        for key, value in (filters or {}).items():
            query = query.filter(getattr(models.Node, key) == value)
        if project_id is not None:
            query = query.filter(models.Node.project_id == project_id)
        marker_obj = None
        if marker is not None:
            # Another project's node is no marker, as if it did not exist.
            marker_obj = _find(session.connection(), marker, project_id)
            if marker_obj is None:
                raise async_api.exception.InvalidParameter(
                    'Marker node %s could not be found' % marker)
        # id breaks ties so that pages never skip or repeat a node.
        query = db_utils.paginate_query(
            query, models.Node, limit, [sort_key, 'id'], marker=marker_obj,
            sort_dir=sort_dir)
        nodes = query.all()
        session.expunge_all()
        return nodes


@functools.cache
def _update(columns, returning):
    """UPDATE of the node ``:node_uuid`` setting ``columns``."""
    query = _NODES.update().where(
        _NODES.c.uuid == sa.bindparam('node_uuid')).values(
            {column: sa.bindparam(column) for column in columns})
    return async_api.Statement(query.returning(*_NODES.c) if returning
                               else query)


class WrittenNode(types.SimpleNamespace):
    """A node row with values a run wrote, or holds to write, on it."""


def deferred_update(node, values):
    """:func:`update_node` of ``node`` as a write to make later.

    For a step that holds its writes (``async_api.hold_write``).

    :returns: ``(write, node)``: ``write(connection)`` runs the UPDATE;
        ``node`` is the row as it will be (a :class:`WrittenNode`).
    """
    values = dict(values)
    values.setdefault('updated_at', timeutils.utcnow())
    statement = _update(tuple(sorted(values)), False)
    params = dict(values, node_uuid=node.uuid)

    def write(connection):
        # A node with an active task cannot be deleted (destroy_node):
        # nothing to fail the run's report for.
        if not statement.execute(connection, params).rowcount:
            LOG.warning('Node %s was gone when a run wrote %s', node.uuid,
                        ', '.join(sorted(values)))

    columns = (vars(node) if isinstance(node, WrittenNode)
               else node._asdict())
    return write, WrittenNode(**dict(columns, **values))


def update_node(uuid, values):
    """Update the node with ``uuid``; returns the updated node.

    One UPDATE statement, with RETURNING where the database has it (not
    MySQL): on SQLite a read before the write would hold a read snapshot
    that cannot be upgraded while another writer commits.
    """
    values = dict(values)
    values.setdefault('updated_at', timeutils.utcnow())
    params = dict(values, node_uuid=uuid)
    try:
        with async_api.database().engine.begin() as connection:
            returning = connection.dialect.update_returning
            statement = _update(tuple(sorted(values)), returning)
            if returning:
                found = statement.rows(connection, params)
                node = found[0] if found else None
            else:
                node = (statement.execute(connection, params).rowcount
                        and _find(connection, uuid))
    except db_exc.DBDuplicateEntry:
        raise bm_exception.DuplicateName(
            'A node named %s already exists' % values.get('name'))
    if not node:
        raise bm_exception.NodeNotFound('Node %s could not be found' % uuid)
    return node


def destroy_node(uuid):
    """Delete a node; NodeHasActiveTasks while any of its tasks is active."""
    with async_api.database().writer.using() as session:
        # Queued tasks count, and so do tasks of other resources that
        # hold this node's lane (a move onto it, say).
        active = async_api.count_active_tasks(uuid, session=session)
        if active:
            raise bm_exception.NodeHasActiveTasks(
                'Node %s has %d active task(s); wait for them or cancel '
                'them with POST /v1/tasks/{uuid}/cancel (GET /v1/tasks'
                '?resource_uuid=%s&state=queued,pending,running,reverting '
                'lists them)' % (uuid, active, uuid))
        deleted = session.query(models.Node).filter(
            models.Node.uuid == uuid).delete(synchronize_session=False)
        if not deleted:
            raise bm_exception.NodeNotFound(
                'Node %s could not be found' % uuid)
