"""The first power flow, kept for the jobs that earlier releases posted.

A job names its flow factory (``flows.power:set_power_state_flow``) and a
conductor rebuilds that flow to resume it, matching its saved progress to
the flow's steps by name. The power flow of this release
(:func:`flows.power.set_power_state_flow_v2`) has other steps, which a
half-run job of an earlier release could not resume: such jobs run this
flow, unchanged, until they are done. New jobs never do. It can go once
no release that posts it is supported for upgrades.

::

    power-mark-node-on-revert ─┬─> power-load-node ──> power-get-state ─┐
                               └─> power-read-target ───────────────────┤
                                                                        v
                         power-verify-state <── power-set-state <───────┘

Store (from the job): ``task_uuid``, ``resource_uuid``. Reverting
``power-set-state`` puts the node back in the power state
``power-get-state`` recorded; ``power-mark-node-on-revert`` then clears the
node's in-progress marks.
"""


from taskflow.patterns import graph_flow

import async_api
from async_api.baremetal.db import nodes as db_nodes
from async_api.baremetal.drivers import base as driver_base
from flows import atoms
from flows import common

#: Seconds ``power-verify-state`` waits for the hardware to reach the
#: target (also bounded by the operation's timeout).
VERIFY_TIMEOUT = 60.0
#: Seconds between two reads of the power state while verifying.
VERIFY_INTERVAL = 0.5

TARGETS = (driver_base.POWER_ON, driver_base.POWER_OFF, driver_base.REBOOT)


def _expected(target):
    # A reboot ends with the node powered on.
    return driver_base.POWER_ON if target == driver_base.REBOOT else target


class ReadTarget(atoms.Task):
    """The requested target, read from the task's parameters."""

    default_provides = 'target'

    def execute(self, task_uuid):
        common.check_boundary(task_uuid)
        target = (async_api.get_task(task_uuid).params or {}).get('target')
        if target not in TARGETS:
            # The API validated it; a hand-edited row is the only way here.
            raise common.OperationError('Invalid power target %r' % target)
        return target


class GetPowerState(atoms.Task):
    """Read and record the node's power state before changing it."""

    default_provides = 'previous_power_state'

    def execute(self, task_uuid, resource_uuid, driver_name):
        common.check_boundary(task_uuid)
        node, driver = common.node_and_driver(resource_uuid, driver_name)
        state = driver.power.get_power_state(node)
        db_nodes.update_node(resource_uuid, {'power_state': state})
        return state


class SetPowerState(atoms.Task):
    """Ask the hardware for the target; revert restores the state before."""

    def execute(self, task_uuid, resource_uuid, driver_name, target,
                previous_power_state):
        common.check_boundary(task_uuid)
        node, driver = common.node_and_driver(resource_uuid, driver_name)
        db_nodes.update_node(resource_uuid,
                             {'target_power_state': _expected(target)})
        if target == driver_base.REBOOT:
            # Not idempotent by nature: a resumed flow reboots again, which
            # still ends where a reboot must (powered on).
            driver.power.reboot(node)
        elif driver.power.get_power_state(node) != target:
            # Skipped when a resumed flow finds the work already done.
            driver.power.set_power_state(node, target)

    def revert(self, task_uuid, resource_uuid, driver_name, target,
               previous_power_state, *args, **kwargs):
        # Runs also when execute itself failed: the request may have been
        # half applied, so always compare with the hardware.
        node, driver = common.node_and_driver(resource_uuid, driver_name)
        with driver_base.reverting():
            current = driver.power.get_power_state(node)
            if target == driver_base.REBOOT or current != previous_power_state:
                driver.power.set_power_state(node, previous_power_state)
            current = driver.power.get_power_state(node)
        db_nodes.update_node(resource_uuid, {'power_state': current,
                                             'target_power_state': None})


class VerifyPowerState(atoms.Task):
    """Poll until the hardware reports the expected state, or time out.

    Provides the task's result.
    """

    default_provides = 'result'

    def execute(self, task_uuid, resource_uuid, driver_name, target):
        common.check_boundary(task_uuid)
        state = common.wait_for_power_state(
            task_uuid, resource_uuid, driver_name, _expected(target),
            VERIFY_TIMEOUT, VERIFY_INTERVAL)
        db_nodes.update_node(resource_uuid, {
            'power_state': state,
            'target_power_state': None,
            'sync_state': common.SYNC_IN_SYNC,
            'last_error': None,
        })
        return {'power_state': state}


def set_power_state_flow():
    """The first flow of ``node.set_power_state`` (see above)."""
    flow = graph_flow.Flow('node-set-power-state')
    mark = common.MarkNodeOnRevert(name='power-mark-node-on-revert')
    load = common.LoadNode(name='power-load-node')
    read = ReadTarget(name='power-read-target')
    # The BMC steps retry transient errors (timeouts, a busy BMC) with
    # backoff before the flow gives up and reverts.
    get_state = common.bmc_step(GetPowerState(name='power-get-state'))
    set_state = common.bmc_step(SetPowerState(name='power-set-state'))
    verify = common.bmc_step(VerifyPowerState(name='power-verify-state'))
    flow.add(mark, load, read, get_state, set_state, verify)
    # Data alone does not order these: the guard needs nothing from the
    # others (it must run first so that its revert runs last), and verify
    # needs nothing set_state provides.
    flow.link(mark, load)
    flow.link(mark, read)
    flow.link(set_state, verify)
    return flow
