"""A test operation, and task rows to read back."""

from unittest import mock

import fixtures

from async_api.operations import registry
from async_api.common import states
from async_api.tests import db_helpers

POWER = registry.Operation(
    name='node.set_power_state',
    resource_type='node',
    schema={'type': 'object',
            'properties': {'target': {'enum': ['on', 'off', 'reboot']},
                           'bmc_secret': {'type': 'string'}},
            'required': ['target'],
            'additionalProperties': False},
    flow_factory='tests:power_flow',
    secret_params=frozenset(['bmc_secret', 'pin']))


class Operations(fixtures.Fixture):
    """A private registry holding :data:`POWER`; posting is faked."""

    def _setUp(self):
        self.useFixture(fixtures.MockPatchObject(registry, '_OPERATIONS',
                                                 {}))
        # Entry points of whatever is installed stay out of unit tests.
        self.useFixture(fixtures.MockPatchObject(registry, '_LOADED', True))
        registry.register(POWER)
        self.post = self.useFixture(fixtures.MockPatch(
            'async_api.tasks.posting.post',
            return_value=mock.Mock(uuid='job-uuid'))).mock
        # Every post through the faked one, none within the accept's
        # transaction.
        self.useFixture(fixtures.MockPatch(
            'async_api.tasks.posting.within_accept', return_value=None))


def make_task(resource_uuid, state=states.PENDING, **values):
    """Store a task on ``resource_uuid``."""
    values.setdefault('operation', POWER.name)
    values.setdefault('resource_type', 'node')
    values.setdefault('params', {'target': 'on'})
    return db_helpers.create_task(dict(values, resource_uuid=resource_uuid,
                                       state=state))
