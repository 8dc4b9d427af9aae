"""Flow factories keep the names that jobs on a board import them by.

A job carries its flow factory's dotted name in its logbook and a
conductor imports it by that name, possibly after an upgrade: renaming or
moving a factory strands every such job. The names below are the ones
jobs posted by earlier releases carry, and the one new jobs carry (last):
a flow whose steps change gets a new factory name, and the old name keeps
building the old flow for the jobs already posted.
"""

import importlib

from async_api.operations import registry
from async_api.tests import base

#: operation -> the factory names its jobs carry, earliest first.
STABLE = {
    'node.set_power_state': ('flows.power:set_power_state_flow',
                             'flows.power:set_power_state_flow_v2',
                             'flows.power:set_power_state_flow_v3'),
    'node.set_boot_device': ('flows.boot_device:set_boot_device_flow',
                             'flows.boot_device:set_boot_device_flow_v2'),
    'node.deploy': ('flows.provision:deploy_flow',
                    'flows.provision:deploy_flow_v2'),
    'node.tear_down': ('flows.provision:tear_down_flow',
                       'flows.provision:tear_down_flow_v2'),
    'node.validate': ('flows.validate:validate_flow',),
}


class TestStableFactories(base.TestCase):

    def test_registered_operations_keep_their_factories(self):
        operations = registry.all_operations()
        for name, factories in STABLE.items():
            self.assertEqual(factories[-1], operations[name].flow_factory,
                             name)

    def test_each_factory_imports_by_its_logbook_name(self):
        # The logbook records "module.function", as TaskFlow's conductor
        # resolves it (tasks/posting.py).
        for factory in [f for names in STABLE.values() for f in names]:
            module, _, function = factory.partition(':')
            flow = getattr(importlib.import_module(module), function)()
            self.assertTrue(flow.name, factory)
