from async_api.baremetal.drivers import base as driver_base
from async_api.baremetal.drivers import fake
from async_api.tests import base


class TestGetDriver(base.TestCase):

    def setUp(self):
        super().setUp()
        self.addCleanup(driver_base.unregister_driver, 'fake')
        driver_base.unregister_driver('fake')

    def test_from_entry_point(self):
        driver = driver_base.get_driver('fake')
        self.assertIsInstance(driver, fake.FakeDriver)
        self.assertIsInstance(driver.power, driver_base.PowerInterface)
        # One instance per process.
        self.assertIs(driver, driver_base.get_driver('fake'))

    def test_registered(self):
        driver_base.register_driver('fake', fake.FakeDriver)
        self.assertIsInstance(driver_base.get_driver('fake'),
                              fake.FakeDriver)

    def test_unknown(self):
        error = self.assertRaises(driver_base.DriverNotFound,
                                  driver_base.get_driver, 'no-such-driver')
        self.assertEqual('driver_not_found', error.code)


class TestReverting(base.TestCase):

    def test_context(self):
        self.assertFalse(driver_base.in_revert())
        with driver_base.reverting():
            self.assertTrue(driver_base.in_revert())
            with driver_base.reverting():
                self.assertTrue(driver_base.in_revert())
            self.assertTrue(driver_base.in_revert())
        self.assertFalse(driver_base.in_revert())
