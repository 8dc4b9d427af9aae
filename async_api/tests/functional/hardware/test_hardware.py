"""Hardware operations end to end: HTTP in, a real service, emulated BMCs.

The service (``async-api-all``) drives an IPMI BMC emulator over UDP and
sushy-emulator over HTTP, both on 127.0.0.1. Every test ends by searching
the service's log files and every API body for the BMC password.
"""

import glob
import json
import os
import time
import types

from async_api.baremetal.drivers import base as driver_base
from async_api.tests.emulators import ipmi
from async_api.tests.emulators import redfish
from async_api.tests.functional.api import base

PASSWORD = 'Hw-Secret-8c1f'
WRONG = 'Hw-Wrong-77d0'


class TestHardware(base.ServiceTestCase):

    def setUp(self):
        super().setUp()
        self.bodies = []
        self.ipmi = self.useFixture(ipmi.IPMIEmulator(PASSWORD))
        self.redfish = self.useFixture(redfish.RedfishEmulator(
            password=PASSWORD))
        self.hole = self.useFixture(ipmi.BlackHole())
        self.start('all', DEFAULT={'debug': True}, hardware={
            'bmc_timeout': 2.0, 'bmc_retries': 1, 'bmc_retry_delay': 0.1,
            'power_sync_interval': 1, 'validate_interval': 1,
            'conductor_liveness': 5})
        self.addCleanup(self.assert_no_secret_anywhere)

    def api(self, method, path, **kwargs):
        response = super().api(method, path, **kwargs)
        self.bodies.append(response.text)
        return response

    def assert_no_secret_anywhere(self):
        for body in self.bodies:
            self.assertNotIn(PASSWORD, body)
            self.assertNotIn(WRONG, body)
        logs = glob.glob(os.path.join(self.state_path, '*.log*'))
        self.assertTrue(logs)
        for path in logs:
            with open(path, errors='replace') as f:
                text = f.read()
            self.assertNotIn(PASSWORD, text, path)
            self.assertNotIn(WRONG, text, path)

    def put(self, node, path, body):
        response = self.api('PUT', '/v1/nodes/%s/%s' % (node['uuid'], path),
                            json=body)
        self.assertEqual(202, response.status_code, response.text)
        return self.wait_for_task(response.json()['uuid'])

    def wait_for_validation(self, node, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.api('GET', '/v1/nodes/%s/validate'
                             % node['uuid']).json()
            if found['validated_at']:
                return found
            time.sleep(0.2)
        self.fail('Node %s was never validated' % node['uuid'])

    def wait_for_node(self, node, timeout=20, **wanted):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            row = self.api('GET', '/v1/nodes/%s' % node['uuid']).json()
            if all(row[key] == value for key, value in wanted.items()):
                return row
            time.sleep(0.2)
        self.fail('Node %s never had %s' % (node['uuid'], wanted))

    def test_redfish_deploy_boot_device_validate_tear_down(self):
        node = self.create_node(driver='redfish', name='rf',
                                driver_info=self.redfish.driver_info())
        self.assertEqual('******', node['driver_info']['redfish_password'])

        done = self.put(node, 'states/provision', {'target': 'active'})
        self.assertEqual('succeeded', done['state'], done)
        row = self.api('GET', '/v1/nodes/rf').json()
        self.assertEqual(('active', 'on'),
                         (row['provision_state'], row['power_state']))
        steps = [e['event'] for e in self.events(done['uuid'])]
        for step in ('prov-pre-check', 'prov-set-pxe', 'prov-power-cycle',
                     'prov-verify-on', 'prov-finish'):
            self.assertIn(step, steps)

        done = self.put(node, 'management/boot_device',
                        {'boot_device': 'cdrom', 'persistent': True})
        self.assertEqual('succeeded', done['state'], done)
        self.assertEqual({'boot_device': 'cdrom', 'persistent': True},
                         done['result'])

        # Served from the database, filled in by the periodic validation.
        found = self.wait_for_validation(node)
        self.assertTrue(found['interfaces']['power']['result'], found)

        done = self.put(node, 'states/provision', {'target': 'deleted'})
        self.assertEqual('succeeded', done['state'], done)
        row = self.api('GET', '/v1/nodes/rf').json()
        self.assertEqual(('available', 'off'),
                         (row['provision_state'], row['power_state']))

        # A second tear down: the pre-check fails inside the task, not 400.
        response = self.api('PUT', '/v1/nodes/rf/states/provision',
                            json={'target': 'deleted'})
        self.assertEqual(202, response.status_code, response.text)
        done = self.wait_for_task(response.json()['uuid'])
        self.assertEqual('failed', done['state'])
        self.assertEqual('precheck_failed', done['error']['code'])
        self.assertEqual('prov-pre-check', done['error']['step'])
        self.assertIn(('prov-pre-check', 'failed'),
                      [(e['event'], e['state'])
                       for e in self.events(done['uuid'])])
        # Bad input is still a 400, and nothing is stored.
        for path, body in (('states/provision', {'target': 'rebuild'}),
                           ('management/boot_device',
                            {'boot_device': 'floppy'})):
            response = self.api('PUT', '/v1/nodes/rf/%s' % path, json=body)
            self.assertEqual(400, response.status_code, response.text)

    def test_ipmi_power_sync_and_failures(self):
        node = self.create_node(driver='ipmi', name='bmc',
                                driver_info=self.ipmi.driver_info())
        done = self.put(node, 'states/power', {'target': 'on'})
        self.assertEqual('succeeded', done['state'], done)
        done = self.put(node, 'management/boot_device',
                        {'boot_device': 'pxe'})
        self.assertEqual('succeeded', done['state'], done)
        found = self.wait_for_validation(node)
        self.assertTrue(found['interfaces']['management']['result'])

        # Powered off behind the service's back: the periodic sync notices.
        self.config(bmc_timeout=3.0, group='hardware')
        driver_base.get_driver('ipmi').power.set_power_state(
            types.SimpleNamespace(uuid='x', driver_info=self.ipmi
                                  .driver_info()), 'off')
        row = self.wait_for_node(node, sync_state='out_of_sync')
        self.assertEqual(('off', 'on'), (row['power_state'],
                                         row['target_power_state']))

        wrong = self.create_node(
            driver='ipmi', name='wrong',
            driver_info=self.ipmi.driver_info(password=WRONG))
        done = self.put(wrong, 'states/power', {'target': 'on'})
        self.assertEqual('failed', done['state'], done)
        self.assertEqual('bmc_auth_failed', done['error']['code'])
        found = self.wait_for_validation(wrong)
        self.assertFalse(found['interfaces']['power']['result'])
        self.assertEqual('bmc_auth_failed',
                         found['interfaces']['power']['code'])

        gone = self.create_node(driver='ipmi', name='gone', driver_info={
            'ipmi_address': '127.0.0.1', 'ipmi_port': self.hole.port,
            'ipmi_username': 'admin', 'ipmi_password': PASSWORD})
        started = time.monotonic()
        done = self.put(gone, 'management/boot_device',
                        {'boot_device': 'pxe'})
        self.assertEqual('failed', done['state'], done)
        self.assertEqual('bmc_timeout', done['error']['code'])
        self.assertIn('did not answer', done['error']['message'])
        # One attempt, one retry of 2 s each, and the backoff.
        self.assertLess(time.monotonic() - started, 15)
        states = [(e['event'], e['state']) for e in self.events(done['uuid'])]
        self.assertIn(('boot-get-device', 'retrying'), states)
        self.assertNotIn(PASSWORD, json.dumps(done))
