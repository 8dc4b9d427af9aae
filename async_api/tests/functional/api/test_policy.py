"""Policy and project scoping on the real service, over HTTP.

The service runs with ``http_basic``: ann acts in project p-ann, bob in
p-bob (members of them), admin in none (an administrator).
"""

import os

from async_api.tests.functional.api import base
from async_api.tests.functional import service


class TestProjects(base.ServiceTestCase):

    USERS = {'admin': 'admin-pw', 'ann': 'ann-pw', 'bob': 'bob-pw'}

    def setUp(self):
        super().setUp()
        user_file = service.write_htpasswd(
            os.path.join(self.state_path, 'htpasswd'), self.USERS)
        # The API alone: tasks wait for a conductor, which is all the
        # checks here need.
        self.start('api', api={
            'auth_strategy': 'http_basic',
            'http_basic_auth_user_file': user_file,
            'http_basic_projects': 'ann:p-ann,bob:p-bob'})

    def as_user(self, user, method, path, status=None, **kwargs):
        response = self.api(method, path, auth=(user, self.USERS[user]),
                            **kwargs)
        if status is not None:
            self.assertEqual(status, response.status_code, response.text)
        return response

    def code(self, response):
        return (response.status_code, response.json()['errors'][0]['code'])

    def test_projects_see_only_their_own(self):
        ann = self.as_user('ann', 'POST', '/v1/nodes', status=201,
                           json={'name': 'web-1', 'driver': 'fake'}).json()
        # The same name in another project is another node.
        bob = self.as_user('bob', 'POST', '/v1/nodes', status=201,
                           json={'name': 'web-1', 'driver': 'fake'}).json()
        task = self.as_user('ann', 'PUT', '/v1/nodes/web-1/states/power',
                            status=202, json={'target': 'on'}).json()
        self.assertEqual(ann['uuid'], task['resource_uuid'])
        for path in ('/v1/nodes/%s' % ann['uuid'],
                     '/v1/nodes/%s/tasks' % ann['uuid'],
                     '/v1/tasks/%s' % task['uuid'],
                     '/v1/tasks/%s/events' % task['uuid']):
            response = self.as_user('bob', 'GET', path)
            self.assertEqual(404, response.status_code, path)
        response = self.as_user('bob', 'POST',
                                '/v1/tasks/%s/cancel' % task['uuid'])
        self.assertEqual((404, 'task_not_found'), self.code(response))
        response = self.as_user('bob', 'PUT', '/v1/nodes/%s/states/power'
                                % ann['uuid'], json={'target': 'off'})
        self.assertEqual((404, 'node_not_found'), self.code(response))
        listed = self.as_user('bob', 'GET', '/v1/nodes', status=200).json()
        self.assertEqual([bob['uuid']],
                         [n['uuid'] for n in listed['nodes']])
        tasks = self.as_user('bob', 'GET', '/v1/tasks', status=200).json()
        self.assertEqual([], tasks['tasks'])
        # The administrator sees both projects.
        listed = self.as_user('admin', 'GET', '/v1/nodes', status=200).json()
        self.assertEqual({ann['uuid'], bob['uuid']},
                         {n['uuid'] for n in listed['nodes']})
        self.as_user('admin', 'GET', '/v1/tasks/%s' % task['uuid'],
                     status=200)

    def test_only_the_administrator_sets_debugging_fields(self):
        response = self.as_user('ann', 'POST', '/v1/nodes', json={
            'driver': 'fake', 'driver_info': {'fake_delay': 3600}})
        self.assertEqual((403, 'policy_not_authorized'), self.code(response))
        self.assertIn('fake_delay', response.json()['errors'][0]['detail'])
        self.assertEqual([], self.as_user(
            'admin', 'GET', '/v1/nodes', status=200).json()['nodes'])
        self.as_user('admin', 'POST', '/v1/nodes', status=201, json={
            'driver': 'fake', 'driver_info': {'fake_delay': 1}})
