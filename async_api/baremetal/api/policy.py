"""The bare-metal API's policy rules, on top of the library's base rules.

Every node rule is checked against the node's project (its
``project_id``), after the node was looked up in the caller's scope
(:func:`async_api.policy.project_scope`): another project's node is a
404, whether it exists or not, never a 403.
"""

from oslo_policy import policy as oslo_policy
import pecan

import async_api

NODE_CREATE = 'baremetal:node:create'
NODE_LIST = 'baremetal:node:list'
NODE_GET = 'baremetal:node:get'
NODE_UPDATE = 'baremetal:node:update'
NODE_DELETE = 'baremetal:node:delete'
NODE_SET_POWER_STATE = 'baremetal:node:set_power_state'
NODE_DEPLOY = 'baremetal:node:deploy'
NODE_UNDEPLOY = 'baremetal:node:undeploy'
NODE_SET_BOOT_DEVICE = 'baremetal:node:set_boot_device'
NODE_VALIDATE_GET = 'baremetal:node:validate:get'
NODE_VALIDATE = 'baremetal:node:validate'
NODE_SET_DEBUG_FIELDS = 'baremetal:node:set_debug_fields'

_NODE = '/v1/nodes/{node_ident}'


def _rule(name, check_str, description, operations):
    return oslo_policy.DocumentedRuleDefault(
        name, check_str, description,
        [{'method': method, 'path': path} for method, path in operations],
        scope_types=async_api.policy.SCOPES)


_member = async_api.policy.MEMBER
_reader = async_api.policy.READER

RULES = [
    _rule(NODE_CREATE, _member, 'Create a node in one\'s project.',
          [('POST', '/v1/nodes')]),
    _rule(NODE_LIST, _reader, 'List nodes (one\'s project\'s, or every '
          'project\'s for async_api:all_projects).',
          [('GET', '/v1/nodes')]),
    _rule(NODE_GET, _reader, 'Show a node, or list its tasks.',
          [('GET', _NODE), ('GET', _NODE + '/tasks')]),
    _rule(NODE_UPDATE, _member, 'Update a node (JSON patch).',
          [('PATCH', _NODE)]),
    _rule(NODE_DELETE, _member, 'Delete a node.', [('DELETE', _NODE)]),
    _rule(NODE_SET_POWER_STATE, _member,
          'Power a node on or off, or reboot it.',
          [('PUT', _NODE + '/states/power')]),
    _rule(NODE_DEPLOY, _member, 'Deploy a node (provision target '
          '"active").', [('PUT', _NODE + '/states/provision')]),
    _rule(NODE_UNDEPLOY, _member, 'Tear a node down (provision target '
          '"deleted").', [('PUT', _NODE + '/states/provision')]),
    _rule(NODE_SET_BOOT_DEVICE, _member, 'Set a node\'s boot device.',
          [('PUT', _NODE + '/management/boot_device')]),
    _rule(NODE_VALIDATE_GET, _reader,
          'Show the last stored validation of a node.',
          [('GET', _NODE + '/validate')]),
    _rule(NODE_VALIDATE, _member, 'Validate a node\'s driver now (a task).',
          [('POST', _NODE + '/validate')]),
    _rule(NODE_SET_DEBUG_FIELDS, async_api.policy.ADMIN,
          'Set or change the driver\'s debugging fields of a node\'s '
          'driver_info (the fake driver\'s fake_delay, fake_fail, ...), '
          'which can hang or fail a conductor\'s work at will.',
          [('POST', '/v1/nodes'), ('PATCH', _NODE)]),
]


def list_rules():
    """The service's rules (the ``oslo.policy.policies`` entry point)."""
    return RULES


def register():
    """Add the service's rules to the library's enforcers."""
    async_api.policy.register_rules(RULES)


def authorize(rule, project_id):
    """403 unless this request's caller passes ``rule`` for ``project_id``."""
    request = pecan.request
    async_api.policy.authorize(rule, async_api.policy.target(project_id),
                               request.context, request.cfg)


def scope():
    """The project this request's look-ups are limited to; None: all."""
    request = pecan.request
    return async_api.policy.project_scope(request.context, request.cfg)


def authorize_list(rule):
    """Authorize a listing; the project to filter it by (None: all)."""
    request = pecan.request
    return async_api.policy.authorize_list(rule, request.context,
                                           request.cfg)


def get_enforcer():
    """The service's enforcer, every rule registered, for oslo.policy's
    tools (the ``oslo.policy.enforcer`` entry point:
    ``oslopolicy-policy-generator --namespace async_api.baremetal``)."""
    from async_api.baremetal import conf as async_conf

    register()
    return async_api.policy.get_enforcer(async_conf.CONF)
