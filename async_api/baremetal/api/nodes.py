"""``/v1/nodes``: the reference resource. CRUD touches only the database."""

import pecan
from pecan import rest
from wsme import types as wtypes

import async_api
from async_api.baremetal import exception as bm_exception
from async_api.baremetal.api import node_management
from async_api.baremetal.api import node_states
from async_api.baremetal.api import json_patch
from async_api.baremetal.api import node_types
from async_api.baremetal.api import policy
from async_api.baremetal.db import nodes as db_nodes

RESOURCE_TYPE = 'node'
# WSME checks an Enum in a body but not in a query string.
_CHOICES = {'driver': node_types.DRIVERS,
            'sync_state': node_types.SYNC_STATES}


def get_node(ident, rule):
    """The node by UUID or name, if the caller may ``rule`` it.

    404 ``node_not_found`` for a node the caller cannot see (another
    project's, whether it exists or not); 403 for one it sees but
    ``rule`` refuses.
    """
    node = db_nodes.get_node(ident, project_id=policy.scope())
    policy.authorize(rule, node.project_id)
    return node


def _check_debug_fields(before, after, project_id):
    """403 unless the caller may set the driver debugging fields that
    ``after`` (a driver_info) sets or changes from ``before``."""
    changed = sorted(key for key in node_types.debug_fields()
                     if key in after and after[key] != before.get(key))
    if not changed:
        return
    try:
        policy.authorize(policy.NODE_SET_DEBUG_FIELDS, project_id)
    except async_api.exception.PolicyNotAuthorized:
        raise async_api.exception.PolicyNotAuthorized(
            'driver_info %s: driver debugging fields, which only an '
            'administrator may set (policy %s)'
            % (', '.join(changed), policy.NODE_SET_DEBUG_FIELDS))


def _patched_values(node, operations):
    """The changed writable fields of ``node`` after ``operations``.

    400 if the patch is invalid or its result is not a valid node.
    """
    for operation in operations:
        field = json_patch.parse_pointer(operation['path'])[0]
        if field not in node_types.WRITABLE:
            raise async_api.exception.InvalidParameter(
                'Invalid JSON patch: %s cannot be changed; only %s can'
                % (operation['path'], ', '.join(node_types.WRITABLE)))
    current = {field: getattr(node, field)
               for field in node_types.WRITABLE}
    patched = json_patch.apply(current, operations)
    if patched.get('driver') not in node_types.DRIVERS:
        raise async_api.exception.InvalidParameter(
            'driver must be one of %s' % ', '.join(node_types.DRIVERS))
    name = patched.get('name')
    if name is not None and (not isinstance(name, str) or
                             not 0 < len(name) <= 255):
        raise async_api.exception.InvalidParameter(
            'name must be a string of 1 to 255 characters')
    node_types.check_name(name)
    values = {'driver': patched['driver'], 'name': name}
    for field in ('driver_info', 'extra'):
        value = patched.get(field, {})
        if not isinstance(value, dict):
            raise async_api.exception.InvalidParameter(
                '%s must be an object' % field)
        values[field] = value
    # Only what changed is written.
    return {key: value for key, value in values.items()
            if value != current[key]}


class NodesController(rest.RestController):
    """``/v1/nodes``."""

    @async_api.expose(node_types.NodeCollection, wtypes.text, wtypes.text,
                      wtypes.text, wtypes.text, int, wtypes.text,
                      wtypes.text, wtypes.text)
    def get_all(self, driver=None, power_state=None, provision_state=None,
                sync_state=None, limit=None, marker=None,
                sort_key='created_at', sort_dir='asc'):
        """Nodes, filtered by exact values and paginated."""
        if sort_key not in db_nodes.SORT_KEYS:
            raise async_api.exception.InvalidParameter(
                'sort_key must be one of %s, not %s'
                % (', '.join(db_nodes.SORT_KEYS), sort_key))
        filters = {key: value for key, value in (
            ('driver', driver), ('power_state', power_state),
            ('provision_state', provision_state),
            ('sync_state', sync_state)) if value is not None}
        for key, choices in _CHOICES.items():
            if key in filters and filters[key] not in choices:
                raise async_api.exception.InvalidParameter(
                    '%s must be one of %s, not %s'
                    % (key, ', '.join(choices), filters[key]))
        project_id = policy.authorize_list(policy.NODE_LIST)
        page_size = async_api.pagination.limit(limit)
        rows = db_nodes.list_nodes(
            filters=filters, limit=page_size, marker=marker,
            sort_key=sort_key,
            sort_dir=async_api.pagination.sort_dir(sort_dir),
            project_id=project_id)
        result = node_types.NodeCollection(
            nodes=[node_types.Node.from_db_obj(row) for row in rows])
        next_url = async_api.pagination.next_url(
            rows, page_size, 'v1', 'nodes',
            query=dict(filters, sort_key=sort_key, sort_dir=sort_dir))
        if next_url:
            result.next = next_url
        return result

    @async_api.expose(node_types.Node, wtypes.text)
    def get_one(self, ident):
        """One node by UUID or name."""
        return node_types.Node.from_db_obj(get_node(ident, policy.NODE_GET))

    @async_api.expose(node_types.Node, body=node_types.NodePost,
                      status_code=201)
    def post(self, node):
        """Create a node; 201 with its ``Location``."""
        values = node.to_values()
        values['project_id'] = pecan.request.context.project_id
        policy.authorize(policy.NODE_CREATE, values['project_id'])
        _check_debug_fields({}, values['driver_info'], values['project_id'])
        reserved = async_api.reserved_uuid(pecan.request.environ)
        if reserved and not values.get('uuid'):
            values['uuid'] = reserved
        try:
            row = db_nodes.create_node(values)
        except bm_exception.NodeExists:
            if values.get('uuid') != reserved:
                raise
            # Created by an earlier holder of this idempotency key.
            row = db_nodes.get_node(reserved)
        pecan.response.location = async_api.links.url('v1', 'nodes', row.uuid)
        return node_types.Node.from_db_obj(row)

    @async_api.expose(node_types.Node, wtypes.text,
                      body=[node_types.PatchOperation])
    def patch(self, ident, patch):
        """Apply an RFC 6902 JSON patch to the writable fields."""
        row = get_node(ident, policy.NODE_UPDATE)
        changes = _patched_values(row, [op.as_dict() for op in patch])
        if 'driver_info' in changes:
            _check_debug_fields(row.driver_info or {},
                                changes['driver_info'], row.project_id)
        if changes:
            row = db_nodes.update_node(row.uuid, changes)
        return node_types.Node.from_db_obj(row)

    @async_api.expose(None, wtypes.text, status_code=204)
    def delete(self, ident):
        """Delete a node; 409 ``node_has_active_tasks`` while it has any."""
        db_nodes.destroy_node(get_node(ident, policy.NODE_DELETE).uuid)

    @pecan.expose()
    def _lookup(self, ident, *remainder):
        # Sub-resources of one node: /states/..., /management/...,
        # /validate, /tasks.
        if remainder and remainder[0] == 'states':
            return node_states.NodeStatesController(ident), remainder[1:]
        if remainder and remainder[0] == 'management':
            return (node_management.NodeManagementController(ident),
                    remainder[1:])
        if remainder and remainder[0] == 'validate':
            return (node_management.NodeValidateController(ident),
                    remainder[1:])
        if remainder and remainder[0] == 'tasks':
            uuid = get_node(ident, policy.NODE_GET).uuid
            return (async_api.ResourceTasksController(
                RESOURCE_TYPE, uuid, ('v1', 'nodes', ident, 'tasks')),
                remainder[1:])
        # None: Pecan answers with its own 404 or 405.
        return None
