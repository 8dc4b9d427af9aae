"""Boot device of a node: ``node.set_boot_device``.

::

    boot-mark-node-on-revert ─┬─> boot-load-node ──> boot-get-device ─┐
                              └─> boot-read-params ────────────────────┤
                                                                       v
         boot-verify-device <── [boot-set-device, retried on BMC errors]

Store (from the job): ``task_uuid``, ``resource_uuid``. Reverting
``boot-set-device`` puts back the device ``boot-get-device`` read.
"""

from taskflow.patterns import graph_flow
from taskflow.types import failure

import async_api
from async_api.baremetal.db import nodes as db_nodes
from async_api.baremetal.drivers import base as driver_base
from flows import atoms
from flows import common

SET_BOOT_DEVICE = async_api.Operation(
    name='node.set_boot_device',
    resource_type='node',
    schema={
        'type': 'object',
        'properties': {
            'boot_device': {'type': 'string',
                            'enum': list(driver_base.BOOT_DEVICES)},
            'persistent': {'type': 'boolean'},
        },
        'required': ['boot_device'],
        'additionalProperties': False,
    },
    # Jobs of earlier releases name set_boot_device_flow and resume
    # with it.
    flow_factory='flows.boot_device:set_boot_device_flow_v2',
    timeout=300.0,
    cancellable=True,
)


class LoadNode(common.LoadNode):
    interfaces = ('management',)


class ReadParams(atoms.Task):
    """The requested device and persistence, from the task's parameters."""

    default_provides = ('boot_device', 'persistent')

    def execute(self, task_uuid):
        common.check_boundary(task_uuid)
        params = async_api.get_task(task_uuid).params or {}
        device = params.get('boot_device')
        if device not in driver_base.BOOT_DEVICES:
            raise common.OperationError('Invalid boot device %r' % device)
        return device, bool(params.get('persistent', False))


class GetBootDevice(atoms.Task):
    """Read the boot device before changing it (for the revert)."""

    default_provides = 'previous_boot_device'

    def execute(self, task_uuid, resource_uuid, driver_name):
        common.check_boundary(task_uuid)
        node, driver = common.node_and_driver(resource_uuid, driver_name)
        return driver.management.get_boot_device(node)


class SetBootDevice(atoms.Task):
    """Ask for the device; revert restores the one read before."""

    def execute(self, task_uuid, resource_uuid, driver_name, boot_device,
                persistent):
        common.check_boundary(task_uuid)
        node, driver = common.node_and_driver(resource_uuid, driver_name)
        driver.management.set_boot_device(node, boot_device,
                                          persistent=persistent)

    def revert(self, resource_uuid, driver_name, previous_boot_device,
               *args, **kwargs):
        if isinstance(kwargs.get('result'), failure.Failure):
            # The set itself failed (one BMC command: nothing changed).
            # This is also the retry path, where putting the old device
            # back would be one more call to a BMC that is struggling.
            return
        previous = (previous_boot_device or {}).get('boot_device')
        if previous not in driver_base.BOOT_DEVICES:
            return  # Nothing known to go back to.
        node, driver = common.node_and_driver(resource_uuid, driver_name)
        with driver_base.reverting():
            driver.management.set_boot_device(
                node, previous,
                persistent=bool(previous_boot_device.get('persistent')))


class VerifyBootDevice(atoms.Task):
    """Read the device back; provides the task's result.

    Only the device is compared: Redfish services commonly report any
    override as persistent (sushy-emulator always does).
    """

    default_provides = 'result'

    def execute(self, task_uuid, resource_uuid, driver_name, boot_device,
                persistent):
        common.check_boundary(task_uuid)
        node, driver = common.node_and_driver(resource_uuid, driver_name)
        found = driver.management.get_boot_device(node)
        if found.get('boot_device') != boot_device:
            raise common.OperationError(
                'Node %s reports boot device %s after %s was set'
                % (resource_uuid, found.get('boot_device'), boot_device))
        db_nodes.update_node(resource_uuid, {
            'sync_state': common.SYNC_IN_SYNC, 'last_error': None})
        return {'boot_device': boot_device, 'persistent': persistent}


def set_boot_device_flow_v2():
    """The flow of ``node.set_boot_device`` (stable import path).

    Its BMC steps retry transient errors by themselves
    (:func:`flows.common.bmc_retrying`).
    """
    return _flow(common.bmc_retrying)


def set_boot_device_flow():
    """The flow of ``node.set_boot_device`` jobs of earlier releases: each
    BMC step in a subflow with a retry controller."""
    return _flow(common.bmc_step)


def _flow(bmc):
    flow = graph_flow.Flow('node-set-boot-device')
    mark = common.MarkNodeOnRevert(name='boot-mark-node-on-revert')
    load = LoadNode(name='boot-load-node')
    read = ReadParams(name='boot-read-params')
    get = bmc(GetBootDevice(name='boot-get-device'))
    set_device = bmc(SetBootDevice(name='boot-set-device'))
    verify = bmc(VerifyBootDevice(name='boot-verify-device'))
    flow.add(mark, load, read, get, set_device, verify)
    # The guard first so that its revert runs last; verify after set.
    flow.link(mark, load)
    flow.link(mark, read)
    flow.link(set_device, verify)
    return flow
