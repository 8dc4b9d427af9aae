"""The ipmi and redfish drivers against real emulators over the network.

The pyghmi BMC (UDP) and sushy-emulator (HTTP) run as subprocesses on
127.0.0.1; see :mod:`async_api.tests.emulators`.
"""

import subprocess
import sys
import textwrap
import threading
import time
import types

import fixtures

from async_api.baremetal.drivers import base as driver_base
from async_api.baremetal.drivers import bmc
from async_api.baremetal.drivers import ipmi as ipmi_driver
from async_api.tests import base
from async_api.tests.emulators import ipmi
from async_api.tests.emulators import redfish

PASSWORD = 'Secr3t-BMC-pw'


def node(info):
    return types.SimpleNamespace(uuid='n', driver_info=info)


class DriverContract:
    """What every hardware driver must do; mixed into one class per driver."""

    driver_name = None

    def setUp(self):
        super().setUp()
        # pyghmi's client stalls up to ~1 s on a few percent of calls
        # while it resends: leave room for that.
        self.config(bmc_timeout=3.0, group='hardware')
        self.driver = driver_base.get_driver(self.driver_name)

    def test_power_on_off_reboot(self):
        n = node(self.info())
        self.assertEqual('off', self.driver.power.get_power_state(n))
        self.driver.power.set_power_state(n, 'on')
        self.assertEqual('on', self.driver.power.get_power_state(n))
        self.driver.power.set_power_state(n, 'off')
        self.assertEqual('off', self.driver.power.get_power_state(n))
        self.driver.power.reboot(n)
        self.assertEqual('on', self.driver.power.get_power_state(n))

    def test_boot_device(self):
        n = node(self.info())
        for device in ('pxe', 'disk', 'cdrom'):
            self.driver.management.set_boot_device(n, device)
            self.assertEqual(
                device,
                self.driver.management.get_boot_device(n)['boot_device'])
        self.assertRaises(driver_base.BootDeviceError,
                          self.driver.management.set_boot_device, n, 'usb')

    def test_validate(self):
        self.assertEqual(
            {'power': {'result': True, 'reason': None},
             'management': {'result': True, 'reason': None}},
            self.driver.validate(node(self.info())))
        found = self.driver.validate(node({}))
        self.assertFalse(found['power']['result'])
        self.assertEqual('invalid_driver_info', found['power']['code'])

    def test_wrong_credentials(self):
        n = node(self.info(password='wrong-password'))
        error = self.assertRaises(driver_base.BMCAuthError,
                                  self.driver.power.get_power_state, n)
        self.assertNotIn('wrong-password', str(error))
        self.assertNotIsInstance(error, driver_base.TransientDriverError)

    def test_unreachable_bmc_times_out(self):
        self.config(bmc_timeout=0.5, group='hardware')
        hole = self.useFixture(ipmi.BlackHole())
        started = time.monotonic()
        error = self.assertRaises(driver_base.TransientDriverError,
                                  self.driver.power.get_power_state,
                                  node(self.unreachable(hole.port)))
        self.assertLess(time.monotonic() - started, 2.0)
        self.assertNotIn(PASSWORD, str(error))


class TestIPMI(DriverContract, base.TestCase):

    driver_name = 'ipmi'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emulator = ipmi.IPMIEmulator(PASSWORD, count=1)
        cls.emulator.setUp()

    @classmethod
    def tearDownClass(cls):
        cls.emulator.cleanUp()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        # One BMC for the class: put it back where each test expects it.
        self.driver.power.set_power_state(node(self.info()), 'off')

    def info(self, password=None):
        return self.emulator.driver_info(password=password)

    def unreachable(self, port):
        return {'ipmi_address': '127.0.0.1', 'ipmi_port': port,
                'ipmi_username': 'admin', 'ipmi_password': PASSWORD}

    def test_bad_port(self):
        self.assertRaises(driver_base.InvalidDriverInfo,
                          self.driver.power.validate,
                          node({'ipmi_address': 'x', 'ipmi_port': 'y'}))

    def test_logon_broken_without_reason_is_tried_again(self):
        # pyghmi's quirk: a session broken during logon, with no reason
        # recorded, fails with AttributeError. Once: the second logon
        # answers. Twice: a transient error, never an AttributeError.
        real = ipmi_driver.ipmi_command.Command
        calls = []

        def flaky(**info):
            calls.append(info['bmc'])
            if len(calls) <= self.breaks:
                raise AttributeError(
                    "'Session' object has no attribute 'errormsg'")
            return real(**info)

        self.useFixture(fixtures.MockPatchObject(
            ipmi_driver.ipmi_command, 'Command', side_effect=flaky))
        self.breaks = 1
        self.assertEqual('off',
                         self.driver.power.get_power_state(node(self.info())))
        self.assertEqual(2, len(calls))
        self.breaks = 99
        self.assertRaises(driver_base.TransientDriverError,
                          self.driver.power.get_power_state,
                          node(self.info()))


class TestPyghmiSessionLocks(base.TestCase):
    """pyghmi's two session locks, taken in both orders at once."""

    def test_opposite_orders_do_not_deadlock(self):
        from pyghmi.ipmi.private import session
        locks = (session.KEEPALIVE_SESSIONS, session.WAITING_SESSIONS)
        started = threading.Barrier(2)
        results = []

        def take(first, second):
            started.wait()
            # Bounded waits: without the shared lock this would deadlock
            # with pyghmi's own locks and hang every later IPMI test.
            if not first.acquire(timeout=5):
                results.append(False)
                return
            try:
                time.sleep(0.2)
                got = second.acquire(timeout=2)
                if got:
                    second.release()
                results.append(got)
            finally:
                first.release()

        threads = [threading.Thread(target=take, args=order, daemon=True)
                   for order in (locks, locks[::-1])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        self.assertEqual([True, True], results)
        self.assertIs(session.KEEPALIVE_SESSIONS, session.WAITING_SESSIONS)


class TestRedfish(DriverContract, base.TestCase):

    driver_name = 'redfish'

    def setUp(self):
        super().setUp()
        self.emulator = self.useFixture(redfish.RedfishEmulator(
            password=PASSWORD))

    def info(self, password=None):
        return self.emulator.driver_info(password=password)

    def unreachable(self, port):
        # A UDP-only port: nothing accepts the TCP connection... or it
        # hangs; either way the call must end within the deadline.
        return {'redfish_address': 'http://127.0.0.1:%d' % port,
                'redfish_system_id': '/redfish/v1/Systems/x',
                'redfish_username': 'admin', 'redfish_password': PASSWORD}

    def test_unknown_system(self):
        info = dict(self.info(), redfish_system_id='/redfish/v1/Systems/no')
        self.assertRaises(driver_base.InvalidDriverInfo,
                          self.driver.power.get_power_state, node(info))


class TestBMCLimit(base.TestCase):
    """At most max_concurrent_per_bmc calls reach one BMC at a time."""

    def test_limit(self):
        self.config(max_concurrent_per_bmc=2, bmc_timeout=5.0,
                    group='hardware')
        lock = threading.Lock()
        seen = {'now': 0, 'max': 0}

        def work():
            with lock:
                seen['now'] += 1
                seen['max'] = max(seen['max'], seen['now'])
            time.sleep(0.05)
            with lock:
                seen['now'] -= 1

        threads = [threading.Thread(target=bmc.call,
                                    args=('limit-test', 'work', work))
                   for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(2, seen['max'])
        self.assertEqual(0, bmc.in_use()['limit-test'])

    def test_stuck_call_does_not_hold_up_exit(self):
        # A client library stuck for good: its caller gives up at the
        # deadline, and the process must still be able to exit.
        script = textwrap.dedent("""
            import threading
            from async_api.baremetal import conf
            from async_api.baremetal.drivers import base, bmc
            conf.register_opts(conf.CONF)
            conf.CONF([], project='async_api', default_config_files=[])
            conf.CONF.set_override('bmc_timeout', 0.2, group='hardware')
            try:
                bmc.call('stuck', 'hang', threading.Event().wait)
            except base.BMCTimeout:
                print('gave up')
        """)
        done = subprocess.run([sys.executable, '-c', script],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual((0, 'gave up'),
                         (done.returncode, done.stdout.strip()),
                         done.stderr)

    def test_busy_bmc(self):
        self.config(max_concurrent_per_bmc=1, bmc_timeout=0.2,
                    group='hardware')
        release = threading.Event()
        holder = threading.Thread(target=bmc.call,
                                  args=('busy-test', 'hold', release.wait))
        holder.start()
        self.addCleanup(holder.join)
        self.addCleanup(release.set)
        time.sleep(0.05)
        self.assertRaises(driver_base.BMCBusy, bmc.call, 'busy-test', 'x',
                          lambda: None)
