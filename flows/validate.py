"""Driver validation of a node: ``node.validate``, and the function the
conductor's periodic validation sweep shares with it.

::

    validate-node (static checks of every interface, then one BMC read)

The result is stored on the node (``validation``, ``validated_at``), which
is what ``GET /v1/nodes/{id}/validate`` serves: the API never calls a
driver, so validation requests cannot flood conductors or BMCs (the DoS
the ironic fully-async-API seed describes).
"""

from oslo_utils import timeutils
from taskflow.patterns import linear_flow

import async_api
from async_api.baremetal import exception as bm_exception
from async_api.baremetal.db import nodes as db_nodes
from async_api.baremetal.drivers import base as driver_base
from flows import atoms
from flows import common

VALIDATE = async_api.Operation(
    name='node.validate',
    resource_type='node',
    schema={'type': 'object', 'properties': {},
            'additionalProperties': False},
    flow_factory='flows.validate:validate_flow',
    timeout=300.0,
    cancellable=True,
)


def validate_node(node):
    """Validate ``node``'s driver and store the result; returns it.

    Static checks of each interface's ``driver_info``, then, when the
    power interface passed them, one power-state read: it proves the BMC
    answers and takes the credentials. Only driver errors are verdicts;
    anything else (a database outage) propagates.
    """
    try:
        driver = driver_base.get_driver(node.driver)
    except driver_base.DriverNotFound as e:
        result = {'driver': {'result': False, 'reason': str(e),
                             'code': e.code}}
    else:
        result = driver.validate(node)
        if result.get('power', {}).get('result'):
            try:
                driver.power.get_power_state(node)
            except driver_base.DriverError as e:
                result['power'] = {'result': False, 'reason': str(e),
                                   'code': e.code}
    try:
        db_nodes.update_node(node.uuid, {'validation': result,
                                         'validated_at': timeutils.utcnow()})
    except bm_exception.NodeNotFound:
        pass  # Deleted meanwhile: nothing to store it on.
    return result


class ValidateNode(atoms.Task):
    """Validate and store; provides the result (even when it says no).

    A failed validation is a finding, not a failed operation: the task
    succeeds and its result says what is wrong.
    """

    default_provides = 'result'

    def execute(self, task_uuid, resource_uuid):
        common.check_boundary(task_uuid)
        return validate_node(db_nodes.get_node(resource_uuid))


def validate_flow():
    """The flow of ``node.validate`` (stable import path)."""
    return linear_flow.Flow('node-validate').add(
        ValidateNode(name='validate-node'))
