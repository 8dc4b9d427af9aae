"""The library's controllers mounted in a service's own bare Pecan app.

No library hook or middleware here: the controllers must bring what they
need, answer errors as API-SIG documents, and link to where they are.
"""

import fixtures
from oslo_config import cfg
from oslo_db import exception as db_exc
import pecan
import webtest

import async_api
from async_api.api import request as api_request
from async_api.common import states
from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests.unit.api import fakes

RESOURCE = '6f1f7d4e-9a51-4b8e-8f5c-2f7d0c1e3b5a'
# The identity keystonemiddleware's auth_token gives an admin's request:
# the library's controllers check the policy of whoever calls.
ADMIN = {'HTTP_X_ROLES': 'admin'}


class _Widgets:

    @pecan.expose()
    def _lookup(self, ident, action, *remainder):
        if action != 'power':
            return None
        return (async_api.ActionController(fakes.POWER.name, ident),
                remainder)


class _V9:
    jobs = async_api.TasksController()
    widgets = _Widgets()


class _Root:
    v9 = _V9()


class TestMounted(base.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(db_fixtures.SQLiteDatabase())
        self.operations = self.useFixture(fakes.Operations())
        self.app = webtest.TestApp(
            pecan.make_app(_Root(), **async_api.PECAN_CONFIG),
            extra_environ=ADMIN)
        api_request.set_tasks_path('v9/jobs')
        self.addCleanup(api_request.set_tasks_path, 'v1/tasks')

    def test_collection_links_follow_the_mount_point(self):
        for _ in range(2):
            fakes.make_task(RESOURCE)
        body = self.app.get('/v9/jobs?limit=1').json
        task = body['tasks'][0]
        self.assertEqual('http://localhost/v9/jobs/%s' % task['uuid'],
                         task['links'][0]['href'])
        self.assertTrue(body['next'].startswith(
            'http://localhost/v9/jobs?'), body['next'])

    def test_one_task_and_its_events(self):
        task = fakes.make_task(RESOURCE, state=states.RUNNING)
        response = self.app.get('/v9/jobs/%s' % task.uuid)
        self.assertEqual('http://localhost/v9/jobs/%s' % task.uuid,
                         response.json['links'][0]['href'])
        self.assertIn('Retry-After', response.headers)
        events = self.app.get('/v9/jobs/%s/events' % task.uuid).json
        self.assertEqual([], events['events'])

    def test_missing_task_is_404_not_500(self):
        response = self.app.get('/v9/jobs/nope', expect_errors=True)
        self.assertEqual(404, response.status_int)

    def test_action_answers_202_with_location(self):
        response = self.app.post_json(
            '/v9/widgets/%s/power' % RESOURCE, {'target': 'on'})
        self.assertEqual(202, response.status_int)
        task = response.json
        self.assertEqual('http://localhost/v9/jobs/%s' % task['uuid'],
                         response.headers['Location'])
        self.assertEqual(('node.set_power_state', RESOURCE, 'pending'),
                         (task['operation'], task['resource_uuid'],
                          task['state']))
        self.assertEqual(task['uuid'],
                         async_api.get_task(task['uuid']).uuid)
        self.assertEqual(1, self.operations.post.call_count)

    def test_bad_bodies_are_400_and_store_nothing(self):
        url = '/v9/widgets/%s/power' % RESOURCE
        for body in (b'{not json', b'[1, 2]', b'null',
                     b'{"target": "sideways"}'):
            response = self.app.post(
                url, body, content_type='application/json',
                expect_errors=True)
            self.assertEqual(400, response.status_int, body)
            error = response.json['errors'][0]
            self.assertEqual('invalid_parameter', error['code'])
            self.assertNotIn('Traceback', response.text)
        self.assertEqual([], async_api.list_tasks())
        self.assertEqual(0, self.operations.post.call_count)

    def test_outage_is_503_with_retry_after(self):
        # No ErrorMiddleware in this app: the controller writes the answer.
        self.useFixture(fixtures.MockPatch(
            'async_api.tasks.submit.submit',
            side_effect=db_exc.DBConnectionError('the database is away')))
        response = self.app.post_json('/v9/widgets/%s/power' % RESOURCE,
                                      {'target': 'on'}, expect_errors=True)
        self.assertEqual(503, response.status_int)
        self.assertEqual('service_unavailable',
                         response.json['errors'][0]['code'])
        self.assertEqual('5', response.headers['Retry-After'])

    def test_other_methods_are_405(self):
        response = self.app.put_json('/v9/widgets/%s/power' % RESOURCE,
                                     {'target': 'on'}, expect_errors=True)
        self.assertEqual(405, response.status_int)


class TestLibraryHooks(base.TestCase):
    """The library's own hooks and middlewares around a service's root."""

    def setUp(self):
        super().setUp()
        self.useFixture(db_fixtures.SQLiteDatabase())
        self.useFixture(fakes.Operations())
        conf = cfg.CONF
        app = pecan.make_app(_Root(), hooks=async_api.make_hooks(conf),
                             **async_api.PECAN_CONFIG)
        self.app = webtest.TestApp(async_api.wrap_app(app, conf),
                                   extra_environ=ADMIN)

    def test_context_comes_from_the_identity_headers(self):
        mine = fakes.make_task(RESOURCE, project_id='p1')
        fakes.make_task(RESOURCE, project_id='p2')
        body = self.app.get('/v9/jobs', headers={
            'X-Project-Id': 'p1', 'X-Roles': 'reader'}).json
        self.assertEqual([mine.uuid], [t['uuid'] for t in body['tasks']])

    def test_errors_are_api_sig_documents(self):
        response = self.app.get('/v9/jobs/nope', expect_errors=True)
        self.assertEqual(404, response.status_int)
        error = response.json['errors'][0]
        self.assertEqual(response.headers['x-openstack-request-id'],
                         error['request_id'])
