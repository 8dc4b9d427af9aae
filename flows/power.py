"""Power operations on nodes: ``node.set_power_state``.

::

    power-load-node ──> power-set-state ──> power-verify-state

Store (from the job): ``task_uuid``, ``resource_uuid``. The steps share
one :class:`~flows.common.RunContext`: the task and the node are read
once per run. A power action makes two BMC calls: the set and the read
that verifies it. Reverting ``power-set-state`` puts the node back in the
power state recorded on it before (``power-load-node`` provides it);
the revert of ``power-load-node`` then clears the node's in-progress
marks.
"""


from oslo_log import log
from taskflow.patterns import graph_flow
from taskflow.types import failure as tf_failure

import async_api
from async_api.baremetal.drivers import base as driver_base
from flows import atoms
from flows import common
# The factory jobs of earlier releases name, importable where they look.
from flows.power_v1 import set_power_state_flow  # noqa: F401

#: Seconds ``power-verify-state`` waits for the hardware to reach the
#: target (also bounded by the operation's timeout).
VERIFY_TIMEOUT = 60.0
#: Seconds between two reads of the power state while verifying.
VERIFY_INTERVAL = 0.5

LOG = log.getLogger(__name__)

TARGETS = (driver_base.POWER_ON, driver_base.POWER_OFF, driver_base.REBOOT)

SET_POWER_STATE = async_api.Operation(
    name='node.set_power_state',
    resource_type='node',
    schema={
        'type': 'object',
        'properties': {
            'target': {'type': 'string', 'enum': list(TARGETS)},
        },
        'required': ['target'],
        'additionalProperties': False,
    },
    # Versioned: jobs of earlier releases name set_power_state_flow
    # (flows.power_v1) or set_power_state_flow_v2, whose shapes differ;
    # they resume with those.
    flow_factory='flows.power:set_power_state_flow_v3',
    timeout=600.0,
    cancellable=True,
)


def _expected(target):
    # A reboot ends with the node powered on.
    return driver_base.POWER_ON if target == driver_base.REBOOT else target


class LoadNode(common.LoadNode):
    """Claim the node; provide the target and the power state before.

    The flow's first step, so it also does what other flows leave to
    :class:`~flows.common.MarkNodeOnRevert` (one step less per run): its
    revert clears the node's in-progress marks and records the error.

    The state before is the one recorded on the node, not a BMC read: a
    power action makes two BMC calls (the set and its verification), as
    Ironic's does. On a node whose state was never recorded (no power
    sync or action yet) ``power-set-state`` reads it first, once. The
    revert of ``power-set-state`` compares with the hardware anyway.
    """

    default_provides = ('driver_name', 'target', 'previous_power_state')

    def execute(self, resource_uuid, task_uuid):
        node = self.load(resource_uuid, task_uuid)
        target = (self.context.task(task_uuid).params or {}).get('target')
        if target not in TARGETS:
            # The API validated it; a hand-edited row is the only way here.
            raise common.OperationError('Invalid power target %r' % target)
        previous = node.power_state
        self.mark(resource_uuid, task_uuid,
                  {'target_power_state': _expected(target)})
        return node.driver, target, previous

    def revert(self, resource_uuid, task_uuid, *args, **kwargs):
        # The flow's first step: its revert runs last, once the steps
        # after it have reverted (not at all if one of their reverts
        # failed: the conductor marks the node's sync_state error then).
        common.node_reverted(resource_uuid, task_uuid,
                             kwargs.get('flow_failures'))


class _Step(atoms.Task):
    """A step of the power flow, sharing the run's :class:`RunContext`."""

    def __init__(self, *args, context=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.context = context


class SetPowerState(_Step):
    """Ask the hardware for the target; revert restores the state before."""

    def execute(self, task_uuid, resource_uuid, driver_name, target,
                previous_power_state):
        self.context.check_boundary(task_uuid)
        node, driver = self.context.node_and_driver(resource_uuid,
                                                    driver_name)
        if previous_power_state in (None, target):
            # Recorded there already (a resumed flow, or nothing to do),
            # or never recorded (a node no sync has read yet): ask the
            # hardware. Skips the set when it is there; otherwise the
            # revert needs what it was.
            current = driver.power.get_power_state(node)
            self.context.power_state_before = current
            if current == target:
                return
        # From here the hardware may change: the revert must look.
        self.context.power_requested = True
        if target == driver_base.REBOOT:
            # Not idempotent by nature: a resumed flow reboots again, which
            # still ends where a reboot must (powered on).
            driver.power.reboot(node)
        else:
            driver.power.set_power_state(node, target)

    def revert(self, task_uuid, resource_uuid, driver_name, target,
               previous_power_state, *args, **kwargs):
        # Runs also when execute itself failed: the request may have been
        # half applied, so always compare with the hardware.
        node, driver = self.context.node_and_driver(resource_uuid,
                                                    driver_name)
        if (isinstance(kwargs.get('result'), tf_failure.Failure)
                and not getattr(self.context, 'power_requested', False)):
            # Failed before asking the hardware for anything (the read of
            # an unrecorded state was refused): nothing to undo.
            self.context.update_node(resource_uuid,
                                     {'target_power_state': None})
            return
        before = (previous_power_state
                  or getattr(self.context, 'power_state_before', None))
        with driver_base.reverting():
            current = driver.power.get_power_state(node)
            if before is None:
                # Never recorded, and this run did not read it (resumed
                # after the read): nothing safe to restore.
                LOG.warning('Node %s: power state before task %s unknown; '
                            'left %s', resource_uuid, task_uuid, current)
            elif target == driver_base.REBOOT or current != before:
                driver.power.set_power_state(node, before)
                current = driver.power.get_power_state(node)
        self.context.update_node(resource_uuid, {
            'power_state': current, 'target_power_state': None})


class VerifyPowerState(_Step):
    """Poll until the hardware reports the expected state, or time out.

    Provides the task's result.
    """

    default_provides = 'result'

    def execute(self, task_uuid, resource_uuid, driver_name, target):
        self.context.check_boundary(task_uuid)
        state = common.wait_for_power_state(
            task_uuid, resource_uuid, driver_name, _expected(target),
            VERIFY_TIMEOUT, VERIFY_INTERVAL, context=self.context)
        self.context.update_node(resource_uuid, {
            'power_state': state,
            'target_power_state': None,
            'sync_state': common.SYNC_IN_SYNC,
            'last_error': None,
        })
        return {'power_state': state}


def set_power_state_flow_v3():
    """The flow of ``node.set_power_state`` (stable import path).

    Its name carries a version: jobs name their factory, and those of
    earlier releases run :func:`set_power_state_flow_v2` or
    :func:`flows.power_v1.set_power_state_flow`.
    """
    # The BMC steps retry transient errors (timeouts, a busy BMC) with
    # backoff by themselves before the flow gives up and reverts.
    return _flow(common.bmc_retrying)


def set_power_state_flow_v2():
    """The flow of ``node.set_power_state`` jobs of the release before.

    The same steps, each BMC step in a subflow with a TaskFlow retry
    controller (:func:`flows.common.bmc_step`).
    """
    return _flow(common.bmc_step)


def _flow(bmc):
    # Built afresh for every run: the steps share the task and the node,
    # read once for the run.
    context = common.RunContext()
    flow = graph_flow.Flow('node-set-power-state')
    load = LoadNode(name='power-load-node', context=context)
    set_state = bmc(SetPowerState(name='power-set-state', context=context))
    verify = bmc(VerifyPowerState(name='power-verify-state',
                                  context=context))
    flow.add(load, set_state, verify)
    # Data orders load first (the others need what it provides), so its
    # revert runs last; verify needs nothing set_state provides.
    flow.link(set_state, verify)
    return flow
