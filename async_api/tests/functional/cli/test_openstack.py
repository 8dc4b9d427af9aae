"""``openstack asyncapi ...``: the real command against the real service.

Each ``openstack`` run costs about a second of start-up, so each test
runs a handful and sets up what it does not test over HTTP.
"""

import os
import re
import subprocess
import time

import bcrypt
import yaml

from async_api.tests.functional.cli import base
from async_api.tests import keystone


class TestOpenStackCommands(base.OpenStackTestCase):

    def setUp(self):
        super().setUp()
        self.start_service()

    def test_node_create_list_set_unset_delete(self):
        args = ('node', 'create', '--driver', 'fake', '--name', 'n1',
                '--driver-info', 'address=10.0.0.1',
                '--driver-info', 'password=secret',
                '--idempotency-key', 'create-n1')
        node = self.openstack_json(*args)
        self.assertEqual('n1', node['name'])
        self.assertEqual({'address': '10.0.0.1', 'password': '******'},
                         node['driver_info'])
        # The same key and request again: the first answer, no second node.
        self.assertEqual([node['uuid']],
                         self.openstack_value(*args, '-c', 'uuid'))

        self.assertEqual(['%s n1 fake' % node['uuid']], self.openstack_value(
            'node', 'list', '--driver', 'fake', '-c', 'UUID', '-c', 'Name',
            '-c', 'Driver'))

        changed = self.openstack_json(
            'node', 'set', 'n1', '--name', 'n2', '--extra', 'rack=4',
            '--extra', 'tags=["a", "b"]')
        self.assertEqual('n2', changed['name'])
        self.assertEqual({'rack': 4, 'tags': ['a', 'b']}, changed['extra'])

        unset = yaml.safe_load(self.openstack(
            'node', 'unset', 'n2', '--extra', 'rack', '-f', 'yaml').stdout)
        self.assertEqual({'tags': ['a', 'b']}, unset['extra'])

        self.openstack('node', 'delete', 'n2')
        gone = self.openstack('node', 'show', node['uuid'], status=1)
        self.assertIn('node_not_found', gone.stderr)

    def test_power_on_wait_failures_and_task_filters(self):
        node = self.create_node(name='n1')
        failing = self.create_node(
            name='bad', driver_info={'fake_fail': ['set_power_state']})

        args = ('node', 'power', 'on', 'n1', '--wait',
                '--idempotency-key', 'power-n1')
        result = self.openstack(*args, '-f', 'json')
        task = yaml.safe_load(result.stdout)
        self.assertEqual('succeeded', task['state'])
        self.assertEqual(100, task['progress'])
        # Not a terminal: plain progress lines, no bar redrawn in place.
        self.assertNotIn('\r', result.stderr)
        self.assertRegex(
            result.stderr, r'(?m)^Task %s \(node\.set_power_state\): '
            r'succeeded, step [\w-]+, 100%%$' % task['uuid'])
        self.assertEqual('on', self.api('GET', '/v1/nodes/n1').json()[
            'power_state'])

        replay = self.openstack(*args, '-f', 'value', '-c', 'uuid')
        self.assertEqual(task['uuid'], replay.stdout.strip())
        self.assertIn('Replayed', replay.stderr)

        failed = self.openstack('node', 'power', 'on', 'bad', '--wait',
                                '-f', 'value', '-c', 'uuid', '-c', 'state',
                                status=1)
        failed_uuid, state = failed.stdout.split()
        self.assertEqual('failed', state)
        self.assertIn('Fake failure of set_power_state', failed.stderr)

        # The API's filters: resource, state (several), operation.
        self.assertEqual(
            ['%s succeeded' % task['uuid']],
            self.openstack_value('task', 'list', '--resource-uuid',
                                 node['uuid'], '--state', 'succeeded',
                                 '--state', 'failed', '-c', 'UUID',
                                 '-c', 'State'))
        self.assertEqual(
            [failed_uuid],
            self.openstack_value('task', 'list', '--operation',
                                 'node.set_power_state', '--state', 'failed',
                                 '--resource-type', 'node', '-c', 'UUID'))
        shown = self.openstack_json('task', 'show', failed_uuid)
        self.assertEqual(failing['uuid'], shown['resource_uuid'])
        self.assertEqual('power-set-state', shown['error']['step'])
        self.assertEqual(['failed'], self.openstack_value(
            'task', 'wait', failed_uuid, '-c', 'state', status=1))

        events = self.openstack_json('task', 'events', failed_uuid)
        self.assertEqual(
            ['started', 'failed', 'reverting', 'reverted'],
            [e['State'] for e in events if e['Event'] == 'power-set-state'])

    def test_other_actions(self):
        self.create_node(name='n1')
        for args in (('node', 'boot', 'device', 'set', 'n1', 'pxe',
                      '--persistent'),
                     ('node', 'deploy', 'n1'),
                     ('node', 'validate', 'n1')):
            self.assertEqual(['succeeded'], self.openstack_value(
                *args, '--wait', '-c', 'state'), args)
        node = self.api('GET', '/v1/nodes/n1').json()
        self.assertEqual('active', node['provision_state'])
        interfaces = self.openstack_value('node', 'validation', 'show', 'n1',
                                          '-c', 'Interface', '-c', 'Result')
        self.assertIn('power True', interfaces)
        self.assertTrue(all(re.match(r'^\w+ (True|False)$', line)
                            for line in interfaces), interfaces)


class TestCancel(base.OpenStackTestCase):
    """With no conductor running, tasks stay pending until cancelled:
    nothing here depends on how fast a loaded machine runs a command."""

    def setUp(self):
        super().setUp()
        self.start_service(command='api')

    def test_cancel_and_a_wait_that_ends_cancelled(self):
        self.create_node(name='n1')
        first = self.set_power({'uuid': 'n1'}, 'on').json()
        waiting = subprocess.Popen(
            [base.OPENSTACK, 'asyncapi', 'node', 'power', 'off', 'n1',
             '--wait', '-f', 'value', '-c', 'state'], env=self.env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        self.addCleanup(waiting.kill)
        second = self._second_task(first['resource_uuid'])

        cancelled = self.openstack_value('task', 'cancel', first['uuid'],
                                         '--wait', '-c', 'state')
        self.assertEqual(['cancelled'], cancelled)

        # The waiting command sees its task cancelled: non-zero.
        response = self.api('POST', '/v1/tasks/%s/cancel' % second)
        self.assertEqual(200, response.status_code, response.text)
        stdout, stderr = waiting.communicate(timeout=120)
        self.assertEqual(1, waiting.returncode, stderr)
        self.assertEqual('cancelled', stdout.strip())
        self.assertIn('Task %s cancelled' % second, stderr)

    def _second_task(self, node_uuid, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            tasks = self.api('GET', '/v1/tasks', params={
                'resource_uuid': node_uuid}).json()['tasks']
            if len(tasks) == 2:
                return tasks[0]['uuid']
            time.sleep(0.1)
        self.fail('The waiting command did not start its task')


class TestHTTPBasic(base.OpenStackTestCase):
    """``--os-auth-type http_basic`` against ``auth_strategy =
    http_basic``: the user's project scopes what the commands see."""

    auth = {'OS_AUTH_TYPE': 'http_basic', 'OS_USERNAME': 'alice',
            'OS_PASSWORD': 'secret'}

    def setUp(self):
        super().setUp()
        path = os.path.join(self.state_path, 'htpasswd')
        # The fewest rounds bcrypt allows: the test checks the user, not
        # the hash's cost.
        hashed = bcrypt.hashpw(b'secret', bcrypt.gensalt(rounds=4))
        with open(path, 'w') as f:
            f.write('alice:%s\n' % hashed.decode())
        self.start_service(api={'auth_strategy': 'http_basic',
                                'http_basic_auth_user_file': path,
                                'http_basic_projects': 'alice:p1'})

    def test_commands_as_an_htpasswd_user(self):
        self.openstack('node', 'create', '--driver', 'fake', '--name', 'n1')
        task = self.openstack_json('node', 'power', 'on', 'n1', '--wait')
        self.assertEqual('succeeded', task['state'])
        self.assertEqual('p1', task['project_id'])
        self.assertEqual('alice', task['user_id'])

        self.env['OS_PASSWORD'] = 'wrong'
        refused = self.openstack('node', 'list', status=1)
        self.assertIn('HTTP 401', refused.stderr)


class TestKeystonePassword(base.OpenStackTestCase):
    """``--os-auth-type password`` against the test run's real Keystone,
    the service with ``auth_strategy = keystone``.

    The service is not in that Keystone's catalog (tests running side by
    side would each need their own entry), so its URL comes from the
    ``asyncapi_endpoint_override`` setting, here
    ``OS_ASYNCAPI_ENDPOINT_OVERRIDE``.
    """

    def setUp(self):
        super().setUp()
        self.keystone = self.useFixture(keystone.KeystoneFixture(self))
        project = self.keystone.project('cli')
        user = self.keystone.user(project, 'member')
        self.auth = {'OS_AUTH_TYPE': 'password',
                     'OS_AUTH_URL': self.keystone.url + '/v3',
                     'OS_USERNAME': user.name, 'OS_PASSWORD': user.password,
                     'OS_PROJECT_ID': project,
                     'OS_USER_DOMAIN_ID': keystone.DOMAIN,
                     'OS_IDENTITY_API_VERSION': '3'}
        self.project, self.user = project, user
        self.start_service(api={'auth_strategy': 'keystone'},
                           keystone_authtoken=(
                               self.keystone.authtoken_options()))
        self.env['OS_ASYNCAPI_ENDPOINT_OVERRIDE'] = self.env.pop(
            'OS_ENDPOINT')

    def test_commands_with_a_keystone_password(self):
        self.openstack('node', 'create', '--driver', 'fake', '--name', 'n1')
        task = self.openstack_json('node', 'power', 'on', 'n1', '--wait')
        self.assertEqual('succeeded', task['state'])
        self.assertEqual(self.project, task['project_id'])
        self.assertEqual(self.user.id, task['user_id'])

        self.env['OS_PASSWORD'] = 'wrong'
        refused = self.openstack('node', 'list', status=1)
        self.assertIn('401', refused.stderr)
