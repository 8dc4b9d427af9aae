"""Shared setup of the flow, driver and conductor tests.

A scratch SQLite database, the ``fake`` driver, the ``node.set_power_state``
operation and short verify timeouts.
"""

import fixtures
from taskflow import task as task_base

from async_api.baremetal.db import nodes as db_nodes
from async_api.baremetal.drivers import base as driver_base
from async_api.baremetal.drivers import fake
from async_api.operations import registry
from async_api.common import states
from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests import db_helpers
from flows import power


class FlowTestCase(base.TestCase):
    """A test with a database, the fake driver and the power operation."""

    def setUp(self):
        super().setUp()
        self.db = self.useFixture(db_fixtures.SQLiteDatabase())
        driver_base.register_driver('fake', fake.FakeDriver)
        self.addCleanup(driver_base.unregister_driver, 'fake')
        # A private registry: what tests register does not leak.
        self.useFixture(fixtures.MockPatchObject(registry, '_OPERATIONS',
                                                 {}))
        self.useFixture(fixtures.MockPatchObject(registry, '_LOADED', True))
        registry.register(power.SET_POWER_STATE)
        self.useFixture(fixtures.MonkeyPatch(
            'flows.power.VERIFY_TIMEOUT', 2.0))
        self.useFixture(fixtures.MonkeyPatch(
            'flows.power.VERIFY_INTERVAL', 0.02))

    def make_node(self, **driver_info):
        return db_nodes.create_node({'driver': 'fake',
                                     'driver_info': driver_info,
                                     'power_state': driver_info.get(
                                         'fake_power_state', 'off')})

    def make_task(self, node, target='on', state=states.PENDING, **values):
        row = {'operation': power.SET_POWER_STATE.name,
               'resource_type': 'node', 'resource_uuid': node.uuid,
               'state': state, 'params': {'target': target}}
        row.update(values)
        return db_helpers.create_task(row)

    @staticmethod
    def store(task):
        return {'task_uuid': task.uuid, 'resource_uuid': task.resource_uuid}


class LoggedStep(task_base.Task):
    """Records its runs and reverts; fails with ``errors`` first."""

    def __init__(self, name, log, errors=()):
        super().__init__(name=name)
        self.log = log
        self.errors = list(errors)

    def execute(self):
        self.log.append(('run', self.name))
        if self.errors:
            raise self.errors.pop(0)

    def revert(self, *args, **kwargs):
        self.log.append(('revert', self.name))
