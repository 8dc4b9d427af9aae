"""``/v1/nodes/{id}/management/...`` and ``/v1/nodes/{id}/validate``.

``PUT .../management/boot_device`` is accepted as a task like the state
actions. ``GET .../validate`` answers from the database: the result the
conductors' periodic validation (or a ``node.validate`` task) stored, with
its time. It never reaches a driver, so it cannot be used to flood a
conductor or a BMC. ``POST .../validate`` validates now: a
``node.validate`` task (202), which stores the result the GET then
serves, and queues behind the node's other tasks like any action.
"""

from pecan import rest
from wsme import types as wtypes

import async_api
from async_api.baremetal.api import node_states
from async_api.baremetal.api import policy
from async_api.baremetal.db import nodes as db_nodes

BOOT_DEVICES = ('pxe', 'disk', 'cdrom', 'bios')
SET_BOOT_DEVICE = 'node.set_boot_device'
VALIDATE = 'node.validate'


@async_api.api_types.json_object
class BootDevice(wtypes.Base):
    """The body of ``PUT /v1/nodes/{id}/management/boot_device``."""

    boot_device = wtypes.wsattr(wtypes.Enum(str, *BOOT_DEVICES),
                                mandatory=True)
    persistent = wtypes.wsattr(bool, default=False)


class Validation(wtypes.Base):
    """The last stored validation of a node's driver interfaces.

    ``interfaces`` maps an interface name to ``{"result": bool, "reason":
    str or null}``; both it and ``validated_at`` are null until the first
    validation ran.
    """

    interfaces = async_api.api_types.jsondict
    validated_at = wtypes.datetime.datetime


class NodeManagementController(rest.RestController):
    """Hardware management actions on one node."""

    _custom_actions = {'boot_device': ['PUT']}

    def __init__(self, node_ident):
        super().__init__()
        self.node_ident = node_ident

    @async_api.expose(async_api.Task, body=BootDevice, status_code=202)
    def boot_device(self, body):
        """Set the device the node boots from."""
        return node_states.accept(
            self.node_ident, SET_BOOT_DEVICE,
            {'boot_device': body.boot_device,
             'persistent': bool(body.persistent)},
            policy.NODE_SET_BOOT_DEVICE)


class NodeValidateController(rest.RestController):
    """``/v1/nodes/{id}/validate``: the stored result, or a new run."""

    def __init__(self, node_ident):
        super().__init__()
        self.node_ident = node_ident

    @async_api.expose(Validation)
    def get_all(self):
        """The stored validation result and when it was made."""
        node = db_nodes.get_node(self.node_ident, project_id=policy.scope())
        policy.authorize(policy.NODE_VALIDATE_GET, node.project_id)
        return Validation(interfaces=node.validation or None,
                          validated_at=async_api.api_types.utc(
                              node.validated_at))

    @async_api.expose(async_api.Task, status_code=202)
    def post(self):
        """Validate the node's driver now, as a task; 202 with it.

        The task's result is the validation, which is also stored for
        ``GET``. ``Prefer: wait=N`` answers 200 with the finished task.
        """
        return node_states.accept(self.node_ident, VALIDATE, {},
                                  policy.NODE_VALIDATE)
