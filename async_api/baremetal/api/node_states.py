"""``/v1/nodes/{id}/states/...``: asynchronous actions on a node.

Each action is validated, recorded as a task by
:func:`async_api.tasks.submit.submit` and answered 202 with the task. The
API never changes the node itself (not even ``target_power_state``): the
conductor that runs the task does.
"""

from pecan import rest
from wsme import types as wtypes

import async_api
from async_api.baremetal.api import policy
from async_api.baremetal.db import nodes as db_nodes

POWER_TARGETS = ('on', 'off', 'reboot')
SET_POWER_STATE = 'node.set_power_state'
#: Provision target to operation (see :mod:`flows.provision`). Whether the
#: node may go there is a pre-check of the flow, not a 400 here.
PROVISION_OPERATIONS = {'active': 'node.deploy', 'deleted': 'node.tear_down'}
PROVISION_RULES = {'active': policy.NODE_DEPLOY,
                   'deleted': policy.NODE_UNDEPLOY}


@async_api.api_types.json_object
class PowerTarget(wtypes.Base):
    """The body of ``PUT /v1/nodes/{id}/states/power``."""

    target = wtypes.wsattr(wtypes.Enum(str, *POWER_TARGETS), mandatory=True)


@async_api.api_types.json_object
class ProvisionTarget(wtypes.Base):
    """The body of ``PUT /v1/nodes/{id}/states/provision``."""

    target = wtypes.wsattr(wtypes.Enum(str, *sorted(PROVISION_OPERATIONS)),
                           mandatory=True)


def accept(node_ident, operation, params, rule):
    """Accept ``operation`` on a node: the 202 answer with its task.

    The node is looked up in the caller's scope (404 if it is not
    there), then ``rule`` is checked (403); the task gets the UUID the
    request's idempotency key reserved, if it sent one.
    """
    node = db_nodes.get_node(node_ident, project_id=policy.scope())
    policy.authorize(rule, node.project_id)
    return async_api.accept(operation, node.uuid, params)


class NodeStatesController(rest.RestController):
    """Actions on the states of one node."""

    _custom_actions = {'power': ['PUT'], 'provision': ['PUT']}

    def __init__(self, node_ident):
        super().__init__()
        self.node_ident = node_ident

    @async_api.expose(async_api.Task, body=PowerTarget, status_code=202)
    def power(self, body):
        """Ask for the node to be powered on, off or rebooted."""
        return accept(self.node_ident, SET_POWER_STATE,
                      {'target': body.target}, policy.NODE_SET_POWER_STATE)

    @async_api.expose(async_api.Task, body=ProvisionTarget, status_code=202)
    def provision(self, body):
        """Deploy (``active``) or tear down (``deleted``) the node."""
        return accept(self.node_ident, PROVISION_OPERATIONS[body.target],
                      {'target': body.target},
                      PROVISION_RULES[body.target])
