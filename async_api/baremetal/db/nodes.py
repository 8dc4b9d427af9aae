"""Data access for nodes. Touches only the database."""

from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import utils as db_utils
from oslo_utils import timeutils
from oslo_utils import uuidutils

import async_api
from async_api.baremetal import exception as bm_exception
from async_api.baremetal.db import models

SORT_KEYS = ('created_at', 'updated_at', 'name', 'uuid', 'driver',
             'power_state', 'provision_state')
FILTERS = ('driver', 'power_state', 'provision_state', 'sync_state',
           'project_id')


def _query_ident(session, ident, project_id=None):
    query = session.query(models.Node)
    if uuidutils.is_uuid_like(ident):
        query = query.filter(models.Node.uuid == ident)
    else:
        query = query.filter(models.Node.name == ident)
    if project_id is not None:
        query = query.filter(models.Node.project_id == project_id)
    return query


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


def _one(query, ident):
    """The one node ``query`` finds, or None.

    Names are unique per project, so a look-up by name across projects
    (an admin's) may find several: AmbiguousNodeName then.
    """
    nodes = query.limit(2).all()
    if len(nodes) > 1:
        raise bm_exception.AmbiguousNodeName(
            'Several projects have a node named %s; use its UUID' % ident)
    return nodes[0] if nodes else None


def get_node(ident, project_id=None):
    """A node by UUID or name; NodeNotFound if it is not there.

    :param project_id: look in this project only; None: in every one.
    """
    with async_api.database().reader.using() as session:
        node = _one(_query_ident(session, ident, project_id), ident)
        if node is None:
            raise bm_exception.NodeNotFound(
                'Node %s could not be found' % ident)
        session.expunge(node)
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
            marker_obj = _one(_query_ident(session, marker, project_id),
                              marker)
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


def update_node(uuid, values):
    """Update the node with ``uuid``; returns the updated node.

    One UPDATE statement: on SQLite a read before the write would hold a
    read snapshot that cannot be upgraded while another writer commits.
    """
    values = dict(values)
    values.setdefault('updated_at', timeutils.utcnow())
    try:
        with async_api.database().writer.using() as session:
            updated = session.query(models.Node).filter(
                models.Node.uuid == uuid).update(
                values, synchronize_session=False)
            if not updated:
                raise bm_exception.NodeNotFound(
                    'Node %s could not be found' % uuid)
            node = session.query(models.Node).filter(
                models.Node.uuid == uuid).one()
            session.expunge(node)
            return node
    except db_exc.DBDuplicateEntry:
        raise bm_exception.DuplicateName(
            'A node named %s already exists' % values.get('name'))


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
