"""No secret of a node reaches the service's log, at any level."""

from async_api.tests.functional.api import base

PASSWORD = 'Pw-3f9c1d7e'
URL_PASSWORD = 'Url-8a2b6c4d'
TOKEN = 'Tk-5e7f9a1b'


class TestLogMasking(base.ServiceTestCase):

    def setUp(self):
        super().setUp()
        # Everything a debugging operator could turn on, SQLAlchemy's
        # statement log (with its parameters) included.
        self.service = self.start('all', DEFAULT={
            'debug': True,
            'default_log_levels': 'sqlalchemy.engine=INFO,'
                                  'stevedore=WARN,taskflow=DEBUG'})

    def test_create_and_power_on_log_no_secret(self):
        driver_info = {
            'ipmi_password': PASSWORD,
            'redfish_address': 'http://admin:%s@127.0.0.1:1' % URL_PASSWORD,
            'bmc_pass': PASSWORD,
            'extra_token': TOKEN,
        }
        node = self.create_node(name='secretive', driver_info=driver_info)
        response = self.set_power(node, 'on',
                                  headers={'Idempotency-Key': 'k-1'})
        self.assertEqual(202, response.status_code, response.text)
        task = self.wait_for_task(response.json()['uuid'])
        self.assertEqual('succeeded', task['state'], task)
        # A failing power-on too: errors and tracebacks are logged.
        failing = self.create_node(driver_info=dict(
            driver_info, fake_fail=['set_power_state']))
        task = self.set_power(failing, 'on').json()
        self.assertEqual('failed', self.wait_for_task(task['uuid'])['state'])
        self.api('PATCH', '/v1/nodes/secretive', json=[
            {'op': 'replace', 'path': '/driver_info/ipmi_password',
             'value': PASSWORD}])

        log = self.service.read_log()
        # The capture works: DEBUG lines, and the statements logged.
        self.assertIn(' DEBUG ', log)
        self.assertIn('INSERT INTO nodes', log)
        self.assertIn(task['request_id'], log)
        for secret in (PASSWORD, URL_PASSWORD, TOKEN):
            lines = [line for line in log.splitlines() if secret in line]
            self.assertEqual([], lines, secret)
