import time

from async_api.baremetal.db import nodes as db_nodes
from async_api.baremetal.drivers import base as driver_base
from async_api.baremetal.drivers import fake
from async_api.tests.unit.flows import base


class TestFakePower(base.FlowTestCase):

    def setUp(self):
        super().setUp()
        self.power = fake.FakeDriver().power

    def test_initial_state(self):
        self.assertEqual('off', self.power.get_power_state(self.make_node()))
        node = self.make_node(fake_power_state='on')
        self.assertEqual('on', self.power.get_power_state(node))

    def test_set_is_kept_in_the_node_row(self):
        node = self.make_node()
        self.power.set_power_state(node, 'on')
        self.assertEqual('on', db_nodes.get_node(node.uuid).extra[
            fake.HARDWARE_KEY])
        # Another driver instance (another conductor) sees the same state.
        self.assertEqual('on',
                         fake.FakeDriver().power.get_power_state(node))
        self.power.set_power_state(node, 'off')
        self.assertEqual('off', self.power.get_power_state(node))

    def test_set_keeps_other_extra(self):
        node = self.make_node()
        db_nodes.update_node(node.uuid, {'extra': {'rack': 'r1'}})
        self.power.set_power_state(node, 'on')
        self.assertEqual({'rack': 'r1', fake.HARDWARE_KEY: 'on'},
                         db_nodes.get_node(node.uuid).extra)

    def test_reboot_ends_on(self):
        node = self.make_node()
        self.power.reboot(node)
        self.assertEqual('on', self.power.get_power_state(node))

    def test_unknown_state(self):
        self.assertRaises(driver_base.PowerStateError,
                          self.power.set_power_state, self.make_node(),
                          'sideways')

    def test_fail(self):
        node = self.make_node(fake_fail=['set_power_state'])
        error = self.assertRaises(driver_base.DriverError,
                                  self.power.set_power_state, node, 'on')
        self.assertEqual('driver_error', error.code)
        self.assertEqual('off', self.power.get_power_state(node))
        self.power.reboot(node)

    def test_fail_revert_only_in_revert(self):
        node = self.make_node(fake_fail_revert=['set_power_state'])
        self.power.set_power_state(node, 'on')
        with driver_base.reverting():
            self.assertRaises(driver_base.DriverError,
                              self.power.set_power_state, node, 'off')
            self.assertEqual('on', self.power.get_power_state(node))

    def test_fail_revert_all(self):
        node = self.make_node(fake_fail_revert=True)
        with driver_base.reverting():
            self.assertRaises(driver_base.DriverError,
                              self.power.get_power_state, node)

    def test_delay(self):
        node = self.make_node(fake_delay=0.2)
        start = time.monotonic()
        self.power.get_power_state(node)
        self.assertGreaterEqual(time.monotonic() - start, 0.2)
        # Real drivers validate without the BMC: a number does not slow
        # it, a per-call delay does.
        start = time.monotonic()
        self.power.validate(node)
        self.assertLess(time.monotonic() - start, 0.2)
        start = time.monotonic()
        self.power.validate(self.make_node(fake_delay={'validate': 0.2}))
        self.assertGreaterEqual(time.monotonic() - start, 0.2)

    def test_delay_per_call(self):
        node = self.make_node(fake_delay={'set_power_state': 0.2})
        start = time.monotonic()
        self.power.get_power_state(node)
        self.assertLess(time.monotonic() - start, 0.2)
        start = time.monotonic()
        self.power.set_power_state(node, 'on')
        self.assertGreaterEqual(time.monotonic() - start, 0.2)

    def test_no_effect(self):
        node = self.make_node(fake_no_effect=True)
        self.power.set_power_state(node, 'on')
        self.assertEqual('off', self.power.get_power_state(node))

    def test_validate(self):
        self.power.validate(self.make_node(fake_power_state='on'))
        self.assertRaises(driver_base.InvalidDriverInfo,
                          self.power.validate,
                          self.make_node(fake_power_state='dim'))
        self.assertRaises(driver_base.DriverError, self.power.validate,
                          self.make_node(fake_fail=['validate']))
