"""The compute operations and the ``server`` resource type.

:func:`register` runs in every process of the service before it accepts
or runs a task: the API needs the operations' schemas, the conductors
their flows and timeouts, both the resource type's hooks.
"""

import async_api
from compute import db
from compute import flows

RESOURCE_TYPE = 'server'

# [start-operations]
LIVE_MIGRATE = async_api.Operation(
    name='server.live_migrate',
    resource_type=RESOURCE_TYPE,
    # Only the input's shape is checked in the API (bad input is a 400,
    # nothing stored); whether the host can take the server is a
    # pre-check inside the flow.
    schema={
        'type': 'object',
        'properties': {
            'host': {'type': 'string', 'minLength': 1, 'maxLength': 255},
        },
        'required': ['host'],
        'additionalProperties': False,
    },
    flow_factory='compute.flows:live_migrate_flow',
    timeout=1800.0,
)

REBOOT = async_api.Operation(
    name='server.reboot',
    resource_type=RESOURCE_TYPE,
    schema={
        'type': 'object',
        'properties': {'type': {'enum': ['SOFT', 'HARD']}},
        'required': ['type'],
        'additionalProperties': False,
    },
    flow_factory='compute.flows:reboot_flow',
    timeout=600.0,
)
# [end-operations]


# [start-hooks]
def mark_error(server_uuid, message):
    """A revert failed: the server's state is unknown, an operator must
    look (the task ends ``error``)."""
    db.update_server(server_uuid, {'status': 'ERROR'})


def lanes(server_uuid, params):
    """A live migration also holds its destination's lane."""
    if 'host' in params:
        return [flows.host_lane(params['host'])]
    return []


def register():
    for operation in (LIVE_MIGRATE, REBOOT):
        async_api.register_operation(operation)
    async_api.register_resource_type(async_api.ResourceType(
        RESOURCE_TYPE, mark_error=mark_error, lanes=lanes))
# [end-hooks]
