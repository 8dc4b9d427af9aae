"""Authentication over HTTP on the real service: noauth and http_basic.

Keystone's strategy is exercised against a real Keystone elsewhere.
"""

import os
import subprocess
import sys

from async_api.tests.functional.api import base
from async_api.tests.functional import service

#: Identity headers a client may forge.
FORGED = {'X-Project-Id': 'victim', 'X-User-Id': 'mallory',
          'X-Roles': 'admin', 'OpenStack-System-Scope': 'all'}

KEY = 'power-on-once'


class TestNoAuth(base.ServiceTestCase):

    def setUp(self):
        super().setUp()
        self.start('all')

    def test_identity_headers_change_nothing(self):
        node = self.create_node(name='n1')
        response = self.set_power(node, 'on', headers=FORGED)
        self.assertEqual(202, response.status_code, response.text)
        task = response.json()
        self.assertEqual(('admin', None),
                         (task['user_id'], task['project_id']))
        # Naming a project hides nothing: there is only the administrator.
        listed = self.api('GET', '/v1/nodes',
                          headers={'X-Project-Id': 'other'}).json()
        self.assertEqual([node['uuid']], [n['uuid'] for n in listed['nodes']])

    def test_project_header_does_not_scope_keys(self):
        node = self.create_node(name='n1')
        first = self.set_power(node, 'on', headers={
            'Idempotency-Key': KEY, 'X-Project-Id': 'p1'})
        self.assertEqual(202, first.status_code, first.text)
        # Another "project" gets the same stored answer: the header
        # selects no other scope of keys...
        second = self.set_power(node, 'on', headers={
            'Idempotency-Key': KEY, 'X-Project-Id': 'p2'})
        self.assertEqual(202, second.status_code, second.text)
        self.assertEqual('true', second.headers['Idempotent-Replayed'])
        self.assertEqual(first.json()['uuid'], second.json()['uuid'])
        # ... nor lets the key be used for another request.
        other = self.set_power(node, 'off', headers={
            'Idempotency-Key': KEY, 'X-Project-Id': 'p3'})
        self.assertEqual(422, other.status_code, other.text)


class TestHttpBasic(base.ServiceTestCase):

    USERS = {'admin': 'admin-pw', 'ann': 'ann-pw', 'bob': 'bob-pw'}

    def setUp(self):
        super().setUp()
        self.user_file = service.write_htpasswd(
            os.path.join(self.state_path, 'htpasswd'), self.USERS)

    def start_basic(self, user_file=None):
        return self.start('all', api={
            'auth_strategy': 'http_basic',
            'http_basic_auth_user_file': user_file or self.user_file,
            'http_basic_projects': 'ann:p-ann,bob:p-bob'})

    def as_user(self, user, method, path, **kwargs):
        return self.api(method, path, auth=(user, self.USERS[user]),
                        **kwargs)

    def assert_unauthorized(self, response):
        self.assertEqual(401, response.status_code, response.text)
        self.assertEqual('Basic realm="async_api", charset="UTF-8"',
                         response.headers['WWW-Authenticate'])
        [error] = response.json()['errors']
        self.assertEqual(('unauthorized', 401),
                         (error['code'], error['status']))
        self.assertEqual(response.headers['x-openstack-request-id'],
                         error['request_id'])

    def test_good_password(self):
        self.start_basic()
        self.assertEqual(
            200, self.as_user('ann', 'GET', '/v1/nodes').status_code)
        created = self.as_user('ann', 'POST', '/v1/nodes',
                               json={'driver': 'fake', 'name': 'n1'})
        self.assertEqual(201, created.status_code, created.text)
        accepted = self.as_user(
            'ann', 'PUT', '/v1/nodes/n1/states/power', json={'target': 'on'})
        self.assertEqual(202, accepted.status_code, accepted.text)
        task = accepted.json()
        self.assertEqual(('ann', 'p-ann'),
                         (task['user_id'], task['project_id']))

    def test_wrong_or_missing_password(self):
        self.start_basic()
        for auth in (None, ('ann', 'bob-pw'), ('nobody', 'ann-pw')):
            self.assert_unauthorized(self.api(
                'POST', '/v1/nodes', json={'driver': 'fake'}, auth=auth,
                headers=FORGED))
        # Nothing was created by them.
        self.assertEqual(
            [], self.as_user('admin', 'GET', '/v1/nodes').json()['nodes'])
        # Only the version document and the healthcheck are public.
        self.assertEqual(200, self.api('GET', '/').status_code)
        self.assertEqual(200, self.api('GET', '/healthcheck').status_code)
        self.assert_unauthorized(self.api('GET', '/v1'))

    def test_no_replay_across_projects(self):
        self.start_basic()
        for user in ('ann', 'bob'):
            response = self.as_user(user, 'POST', '/v1/nodes', json={
                'driver': 'fake', 'name': '%s-node' % user})
            self.assertEqual(201, response.status_code, response.text)
        path = '/v1/nodes/ann-node/states/power'
        ann = self.as_user('ann', 'PUT', path, json={'target': 'on'},
                           headers={'Idempotency-Key': KEY})
        self.assertEqual(202, ann.status_code, ann.text)
        # Bob repeats ann's very request, naming her project: not her
        # stored answer, but his own view, where her node is not.
        bob = self.as_user('bob', 'PUT', path, json={'target': 'on'},
                           headers=dict(FORGED, **{'Idempotency-Key': KEY,
                                                   'X-Project-Id': 'p-ann'}))
        self.assertEqual(404, bob.status_code, bob.text)
        self.assertNotIn('Idempotent-Replayed', bob.headers)
        # The same key is free in his project.
        own = self.as_user('bob', 'PUT', '/v1/nodes/bob-node/states/power',
                           json={'target': 'on'},
                           headers={'Idempotency-Key': KEY})
        self.assertEqual(202, own.status_code, own.text)
        self.assertNotIn('Idempotent-Replayed', own.headers)
        self.assertEqual('p-bob', own.json()['project_id'])
        # Ann still gets hers replayed.
        again = self.as_user('ann', 'PUT', path, json={'target': 'on'},
                             headers={'Idempotency-Key': KEY})
        self.assertEqual('true', again.headers['Idempotent-Replayed'])
        self.assertEqual(ann.json()['uuid'], again.json()['uuid'])

    def test_missing_user_file_stops_the_service(self):
        self.port = service.free_port()
        config_file = self.write_config(api={
            'auth_strategy': 'http_basic',
            'http_basic_auth_user_file': os.path.join(self.state_path,
                                                      'missing-htpasswd')})
        result = subprocess.run(
            [sys.executable, '-m', 'async_api.baremetal.command.all',
             '--config-file', config_file],
            capture_output=True, text=True, timeout=120)
        output = result.stdout + result.stderr
        self.assertEqual(1, result.returncode, output)
        self.assertIn('Cannot read the htpasswd file', output)
