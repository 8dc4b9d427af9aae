"""Provisioning a node: ``node.deploy`` (target ``active``) and
``node.tear_down`` (target ``deleted``).

Deploy::

    prov-mark-node-on-revert ─> prov-load-node ─> prov-pre-check
      ─> [prov-set-pxe] ─> [prov-power-cycle] ─> [prov-verify-on]
      ─> prov-finish (provision_state active)

Tear down::

    prov-mark-node-on-revert ─> prov-load-node ─> prov-pre-check
      ─> [prov-power-off] ─> [prov-verify-off] ─> [prov-set-disk]
      ─> prov-finish (provision_state available)

Steps in brackets touch the BMC and retry transient errors themselves
(:func:`flows.common.bmc_retrying`). Pre-checks run here, in the conductor,
not in the API: a node in the wrong state fails the task with a
``precheck_failed`` event and error, never a 400 (the nova async
live-migration checks seed). ``prov-pre-check`` moves the node to
``deploying``/``deleting``; its revert puts the state back.

Store (from the job): ``task_uuid``, ``resource_uuid``.
"""


from taskflow.patterns import linear_flow
from taskflow.types import failure

import async_api
from async_api.baremetal.db import nodes as db_nodes
from async_api.baremetal.drivers import base as driver_base
from flows import atoms
from flows import common

AVAILABLE = 'available'
DEPLOYING = 'deploying'
ACTIVE = 'active'
DELETING = 'deleting'

#: Seconds a verify step waits for the power state (bounded by the
#: operation's timeout too), and between two reads.
VERIFY_TIMEOUT = 60.0
VERIFY_INTERVAL = 0.5


def _operation(name, target, factory):
    return async_api.Operation(
        name=name,
        resource_type='node',
        schema={
            'type': 'object',
            'properties': {'target': {'const': target}},
            'required': ['target'],
            'additionalProperties': False,
        },
        flow_factory='flows.provision:%s' % factory,
        timeout=1800.0,
        cancellable=True,
    )


# Jobs of earlier releases name deploy_flow and tear_down_flow, and resume
# with them.
DEPLOY = _operation('node.deploy', 'active', 'deploy_flow_v2')
TEAR_DOWN = _operation('node.tear_down', 'deleted', 'tear_down_flow_v2')
#: API target to operation.
BY_TARGET = {'active': DEPLOY, 'deleted': TEAR_DOWN}


class LoadNode(common.LoadNode):
    interfaces = ('power', 'management')


class PreCheck(atoms.Task):
    """Refuse a node not in ``allowed``; move it to ``transition``.

    Provides the state it found, which its revert restores.
    """

    default_provides = 'previous_provision_state'

    def __init__(self, allowed, transition, **kwargs):
        super().__init__(**kwargs)
        self.allowed = allowed
        self.transition = transition

    def execute(self, task_uuid, resource_uuid):
        common.check_boundary(task_uuid)
        node = db_nodes.get_node(resource_uuid)
        # A resumed flow finds the node already moved by this step.
        if node.provision_state not in self.allowed + (self.transition,):
            raise common.PreCheckFailed(
                'Node %s is %s; this operation needs it %s'
                % (resource_uuid, node.provision_state,
                   ' or '.join(self.allowed)))
        previous = node.provision_state
        if previous == self.transition:
            previous = self.allowed[0]
        db_nodes.update_node(resource_uuid,
                             {'provision_state': self.transition})
        return previous

    def revert(self, resource_uuid, *args, **kwargs):
        previous = kwargs.get('result')
        if not isinstance(previous, str):
            return  # execute failed before moving the node
        db_nodes.update_node(resource_uuid, {'provision_state': previous})


class SetBootDevice(atoms.Task):
    """Set ``device`` for the next boot; revert sets ``revert_to``."""

    def __init__(self, device, revert_to=None, **kwargs):
        super().__init__(**kwargs)
        self.device = device
        self.revert_to = revert_to

    def execute(self, task_uuid, resource_uuid, driver_name):
        common.check_boundary(task_uuid)
        node, driver = common.node_and_driver(resource_uuid, driver_name)
        driver.management.set_boot_device(node, self.device)

    def revert(self, resource_uuid, driver_name, *args, **kwargs):
        if self.revert_to is None or isinstance(kwargs.get('result'),
                                                failure.Failure):
            # Nothing to undo, or the set failed and changed nothing (one
            # BMC command); on a retry, spare the struggling BMC a call.
            return
        node, driver = common.node_and_driver(resource_uuid, driver_name)
        with driver_base.reverting():
            driver.management.set_boot_device(node, self.revert_to,
                                              persistent=True)


class SetPower(atoms.Task):
    """Power the node ``on``/``off`` or ``reboot`` it; revert powers off.

    A node being deployed is powered off again on failure: nothing half
    booted is left running.
    """

    def __init__(self, action, revert_off=False, **kwargs):
        super().__init__(**kwargs)
        self.action = action
        self.revert_off = revert_off

    def execute(self, task_uuid, resource_uuid, driver_name):
        common.check_boundary(task_uuid)
        node, driver = common.node_and_driver(resource_uuid, driver_name)
        expected = (driver_base.POWER_ON if self.action == driver_base.REBOOT
                    else self.action)
        db_nodes.update_node(resource_uuid, {'target_power_state': expected})
        if self.action == driver_base.REBOOT:
            driver.power.reboot(node)
        elif driver.power.get_power_state(node) != self.action:
            driver.power.set_power_state(node, self.action)

    def revert(self, resource_uuid, driver_name, *args, **kwargs):
        if not self.revert_off:
            return
        node, driver = common.node_and_driver(resource_uuid, driver_name)
        with driver_base.reverting():
            driver.power.set_power_state(node, driver_base.POWER_OFF)
        db_nodes.update_node(resource_uuid, {
            'power_state': driver_base.POWER_OFF,
            'target_power_state': None})


class VerifyPower(atoms.Task):
    """Poll until the node reports ``expected``, or time out."""

    def __init__(self, expected, **kwargs):
        super().__init__(**kwargs)
        self.expected = expected

    def execute(self, task_uuid, resource_uuid, driver_name):
        common.check_boundary(task_uuid)
        state = common.wait_for_power_state(
            task_uuid, resource_uuid, driver_name, self.expected,
            VERIFY_TIMEOUT, VERIFY_INTERVAL)
        db_nodes.update_node(resource_uuid, {'power_state': state,
                                             'target_power_state': None})


class Finish(atoms.Task):
    """Move the node to its final provision state; provides the result."""

    default_provides = 'result'

    def __init__(self, final, **kwargs):
        super().__init__(**kwargs)
        self.final = final

    def execute(self, task_uuid, resource_uuid):
        common.check_boundary(task_uuid)
        node = db_nodes.update_node(resource_uuid, {
            'provision_state': self.final,
            'sync_state': common.SYNC_IN_SYNC,
            'last_error': None})
        return {'provision_state': self.final,
                'power_state': node.power_state}


def _flow(name, steps):
    # Linear: each step needs the one before to have happened, which data
    # alone would not express.
    flow = linear_flow.Flow(name)
    flow.add(common.MarkNodeOnRevert(name='prov-mark-node-on-revert'),
             LoadNode(name='prov-load-node'), *steps)
    return flow


def deploy_flow_v2():
    """The flow of ``node.deploy`` (stable import path)."""
    return _deploy(common.bmc_retrying)


def deploy_flow():
    """The flow of ``node.deploy`` jobs of earlier releases (BMC steps in
    retry controllers)."""
    return _deploy(common.bmc_step)


def _deploy(bmc):
    return _flow('node-deploy', [
        PreCheck((AVAILABLE,), DEPLOYING, name='prov-pre-check'),
        bmc(SetBootDevice(driver_base.BOOT_PXE,
                          revert_to=driver_base.BOOT_DISK,
                          name='prov-set-pxe')),
        bmc(SetPower(driver_base.REBOOT, revert_off=True,
                     name='prov-power-cycle')),
        bmc(VerifyPower(driver_base.POWER_ON, name='prov-verify-on')),
        Finish(ACTIVE, name='prov-finish'),
    ])


def tear_down_flow_v2():
    """The flow of ``node.tear_down`` (stable import path)."""
    return _tear_down(common.bmc_retrying)


def tear_down_flow():
    """The flow of ``node.tear_down`` jobs of earlier releases (BMC steps
    in retry controllers)."""
    return _tear_down(common.bmc_step)


def _tear_down(bmc):
    return _flow('node-tear-down', [
        PreCheck((ACTIVE,), DELETING, name='prov-pre-check'),
        bmc(SetPower(driver_base.POWER_OFF, name='prov-power-off')),
        bmc(VerifyPower(driver_base.POWER_OFF, name='prov-verify-off')),
        bmc(SetBootDevice(driver_base.BOOT_DISK, name='prov-set-disk')),
        Finish(AVAILABLE, name='prov-finish'),
    ])
