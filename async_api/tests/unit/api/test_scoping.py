"""Project A, project B and an admin over the service's HTTP API.

The app is the service's root with the library's default context hook
and middlewares, behind :class:`~async_api.tests.unit.api.identity.
TokenMiddleware`: each request is made with a caller's token, and the
context is built from the identity headers, as behind auth_token.
"""

import pecan
import webtest

import async_api
from async_api.baremetal.api import policy as node_policy
from async_api.baremetal.api import root
from async_api.baremetal import conf as async_conf
from async_api.baremetal import hooks as bm_hooks
from async_api.baremetal.db import nodes as db_nodes
from async_api.db import tasks as db_tasks
from async_api.tests.unit.api import base
from async_api.tests.unit.api import fakes
from async_api.tests.unit.api import identity

MISSING = '0bd1e8a4-5c3f-4a8e-9d62-7f1c2b3a4d5e'


class ScopingTestCase(base.APITestCase):

    def setUp(self):
        super().setUp()
        self.operations = self.useFixture(fakes.Operations())
        self.app = webtest.TestApp(identity.TokenMiddleware(self.make_app()))
        self.a_node = self.create_node(name='shared',
                                       project_id=identity.PROJECT_A)
        self.b_node = self.create_node(name='shared',
                                       project_id=identity.PROJECT_B)

    @staticmethod
    def make_app():
        """The service's app, its context from the identity headers.

        As a service behind keystonemiddleware builds it: the library's
        default context hook and middlewares around the service's root.
        """
        conf = async_conf.CONF
        bm_hooks.register()
        node_policy.register()
        app = pecan.make_app(root.RootController(),
                             hooks=async_api.make_hooks(conf),
                             **async_api.PECAN_CONFIG)
        return async_api.wrap_app(app, conf)

    def call(self, caller, method, path, body=None, status=None,
             headers=None):
        headers = dict(headers or {}, **{'X-Auth-Token': caller})
        kwargs = {'headers': headers, 'expect_errors': True}
        if body is not None:
            response = getattr(self.app, method + '_json')(path, body,
                                                           **kwargs)
        else:
            response = getattr(self.app, method)(path, **kwargs)
        if status is not None:
            self.assertEqual(status, response.status_int, response.text)
        return response

    def error(self, response):
        return (response.status_int, response.json['errors'][0]['code'])


class TestNodes(ScopingTestCase):

    def test_other_projects_node_is_404_like_a_missing_one(self):
        for ident in (self.b_node.uuid, MISSING):
            for method, path, body in (
                    ('get', '', None),
                    ('patch', '', [{'op': 'add', 'path': '/extra/x',
                                    'value': 1}]),
                    ('delete', '', None),
                    ('put', '/states/power', {'target': 'on'}),
                    ('put', '/states/provision', {'target': 'active'}),
                    ('put', '/management/boot_device',
                     {'boot_device': 'pxe'}),
                    ('get', '/validate', None),
                    ('post', '/validate', {}),
                    ('get', '/tasks', None)):
                response = self.call('a-member', method,
                                     '/v1/nodes/%s%s' % (ident, path), body)
                self.assertEqual((404, 'node_not_found'),
                                 self.error(response), (ident, path))
        after = db_nodes.get_node(self.b_node.uuid)
        self.assertEqual({}, after.extra)
        self.assertEqual([], db_tasks.list_tasks())
        self.assertEqual(0, self.operations.post.call_count)

    def test_name_finds_the_callers_own_node(self):
        body = self.call('a-reader', 'get', '/v1/nodes/shared', status=200)
        self.assertEqual(self.a_node.uuid, body.json['uuid'])
        body = self.call('b-reader', 'get', '/v1/nodes/shared', status=200)
        self.assertEqual(self.b_node.uuid, body.json['uuid'])

    def test_admin_sees_both_and_a_shared_name_is_ambiguous(self):
        for caller in ('admin', 'system-reader'):
            self.call(caller, 'get', '/v1/nodes/%s' % self.b_node.uuid,
                      status=200)
            response = self.call(caller, 'get', '/v1/nodes/shared')
            self.assertEqual((409, 'ambiguous_node_name'),
                             self.error(response))

    def test_list_is_the_callers_project_unless_admin(self):
        mine = self.create_node(name='other', project_id=identity.PROJECT_A)
        listed = {
            caller: [n['uuid'] for n in self.call(
                caller, 'get', '/v1/nodes', status=200).json['nodes']]
            for caller in ('a-reader', 'b-reader', 'admin', 'system-reader')}
        self.assertEqual([self.a_node.uuid, mine.uuid], listed['a-reader'])
        self.assertEqual([self.b_node.uuid], listed['b-reader'])
        every = [self.a_node.uuid, self.b_node.uuid, mine.uuid]
        self.assertEqual(every, listed['admin'])
        self.assertEqual(every, listed['system-reader'])

    def test_marker_of_another_project_is_a_missing_marker(self):
        missing = self.call('a-reader', 'get',
                            '/v1/nodes?marker=%s' % MISSING)
        theirs = self.call('a-reader', 'get',
                           '/v1/nodes?marker=%s' % self.b_node.uuid)
        self.assertEqual((400, 'invalid_parameter'), self.error(missing))
        self.assertEqual(self.error(missing), self.error(theirs))
        self.assertEqual(
            missing.json['errors'][0]['detail'].replace(MISSING, 'X'),
            theirs.json['errors'][0]['detail'].replace(self.b_node.uuid,
                                                       'X'))
        # An admin pages through every project with it.
        body = self.call('admin', 'get',
                         '/v1/nodes?marker=%s' % self.a_node.uuid,
                         status=200).json
        self.assertEqual([self.b_node.uuid],
                         [n['uuid'] for n in body['nodes']])

    def test_names_are_unique_per_project(self):
        created = self.call('a-member', 'post', '/v1/nodes',
                            {'name': 'fresh', 'driver': 'fake'}, status=201)
        self.assertEqual(identity.PROJECT_A,
                         db_nodes.get_node(created.json['uuid']).project_id)
        # B may take a name A has, and A may not take it twice.
        self.call('b-member', 'post', '/v1/nodes',
                  {'name': 'fresh', 'driver': 'fake'}, status=201)
        again = self.call('a-member', 'post', '/v1/nodes',
                          {'name': 'fresh', 'driver': 'fake'})
        self.assertEqual((409, 'duplicate_name'), self.error(again))
        renamed = self.call('a-member', 'patch', '/v1/nodes/fresh',
                            [{'op': 'replace', 'path': '/name',
                              'value': 'shared'}])
        self.assertEqual((409, 'duplicate_name'), self.error(renamed))

    def test_reader_cannot_change_what_it_sees(self):
        for method, path, body in (
                ('post', '/v1/nodes', {'driver': 'fake'}),
                ('patch', '/v1/nodes/shared',
                 [{'op': 'add', 'path': '/extra/x', 'value': 1}]),
                ('delete', '/v1/nodes/shared', None),
                ('put', '/v1/nodes/shared/states/power', {'target': 'on'}),
                ('put', '/v1/nodes/shared/states/provision',
                 {'target': 'active'}),
                ('put', '/v1/nodes/shared/management/boot_device',
                 {'boot_device': 'pxe'}),
                ('post', '/v1/nodes/shared/validate', {})):
            response = self.call('a-reader', method, path, body)
            self.assertEqual((403, 'policy_not_authorized'),
                             self.error(response), (method, path))
        self.assertEqual(2, len(db_nodes.list_nodes()))
        self.assertEqual([], db_tasks.list_tasks())
        self.call('a-reader', 'get', '/v1/nodes/shared/validate', status=200)
        self.call('a-reader', 'get', '/v1/nodes/shared/tasks', status=200)

    def test_member_acts_on_its_own_node(self):
        response = self.call('a-member', 'put',
                             '/v1/nodes/shared/states/power',
                             {'target': 'on'}, status=202)
        task = db_tasks.get_task(response.json['uuid'])
        self.assertEqual((self.a_node.uuid, identity.PROJECT_A),
                         (task.resource_uuid, task.project_id))
        self.call('a-member', 'delete', '/v1/nodes/%s' % self.b_node.uuid,
                  status=404)
        self.call('admin', 'delete', '/v1/nodes/%s' % self.b_node.uuid,
                  status=204)

    def test_no_token_no_entry(self):
        response = self.app.get('/v1/nodes', expect_errors=True)
        self.assertEqual(401, response.status_int)


class TestDebugFields(ScopingTestCase):

    def test_member_may_not_set_them_on_create(self):
        response = self.call('a-member', 'post', '/v1/nodes', {
            'name': 'slow', 'driver': 'fake',
            'driver_info': {'fake_delay': 3600}})
        self.assertEqual((403, 'policy_not_authorized'),
                         self.error(response))
        detail = response.json['errors'][0]['detail']
        self.assertIn('fake_delay', detail)
        self.assertIn('baremetal:node:set_debug_fields', detail)
        self.assertEqual(2, len(db_nodes.list_nodes()))

    def test_member_may_not_set_them_by_patch(self):
        for field, value in (('fake_delay', {'set_power_state': 3600}),
                             ('fake_fail', ['set_power_state']),
                             ('fake_no_effect', True)):
            response = self.call('a-member', 'patch', '/v1/nodes/shared', [
                {'op': 'add', 'path': '/driver_info/%s' % field,
                 'value': value}])
            self.assertEqual((403, 'policy_not_authorized'),
                             self.error(response), field)
        self.assertEqual({}, db_nodes.get_node(self.a_node.uuid).driver_info)

    def test_member_may_set_the_simulated_state(self):
        self.call('a-member', 'post', '/v1/nodes', {
            'name': 'on', 'driver': 'fake',
            'driver_info': {'fake_power_state': 'on'}}, status=201)

    def test_admin_sets_them_and_members_keep_them(self):
        created = self.call('admin', 'post', '/v1/nodes', {
            'name': 'slow', 'driver': 'fake',
            'driver_info': {'fake_delay': 0.5}}, status=201)
        uuid = created.json['uuid']
        self.call('admin', 'patch', '/v1/nodes/%s' % self.a_node.uuid, [
            {'op': 'add', 'path': '/driver_info/fake_delay', 'value': 0.5}],
            status=200)
        # A member's other changes leave the admin's fields as they are.
        self.call('a-member', 'patch', '/v1/nodes/shared', [
            {'op': 'add', 'path': '/driver_info/address', 'value': 'x'}],
            status=200)
        self.assertEqual({'fake_delay': 0.5, 'address': 'x'},
                         db_nodes.get_node(self.a_node.uuid).driver_info)
        self.assertEqual({'fake_delay': 0.5},
                         db_nodes.get_node(uuid).driver_info)


class TestTasks(ScopingTestCase):

    def setUp(self):
        super().setUp()
        self.a_task = fakes.make_task(self.a_node.uuid,
                                      project_id=identity.PROJECT_A)
        self.b_task = fakes.make_task(self.b_node.uuid,
                                      project_id=identity.PROJECT_B)

    def test_other_projects_task_is_404_like_a_missing_one(self):
        for ident in (self.b_task.uuid, MISSING):
            for method, path in (('get', ''), ('get', '/events'),
                                 ('post', '/cancel')):
                response = self.call('a-member', method,
                                     '/v1/tasks/%s%s' % (ident, path))
                self.assertEqual((404, 'task_not_found'),
                                 self.error(response), (ident, path))
        self.assertFalse(db_tasks.get_task(self.b_task.uuid).cancel_requested)
        self.assertEqual('pending', db_tasks.get_task(self.b_task.uuid).state)

    def test_list_is_the_callers_project_unless_admin(self):
        def listed(caller, query=''):
            return [t['uuid'] for t in self.call(
                caller, 'get', '/v1/tasks' + query,
                status=200).json['tasks']]

        self.assertEqual([self.a_task.uuid], listed('a-reader'))
        self.assertEqual([self.b_task.uuid], listed('b-reader'))
        both = [self.b_task.uuid, self.a_task.uuid]
        self.assertEqual(both, listed('admin'))
        self.assertEqual(both, listed('system-reader'))
        # Filtering by another project's resource finds nothing.
        self.assertEqual([], listed('a-reader', '?resource_uuid=%s'
                                    % self.b_node.uuid))

    def test_marker_of_another_project_is_a_missing_marker(self):
        missing = self.call('a-reader', 'get',
                            '/v1/tasks?marker=%s' % MISSING)
        theirs = self.call('a-reader', 'get',
                           '/v1/tasks?marker=%s' % self.b_task.uuid)
        self.assertEqual((400, 'invalid_parameter'), self.error(missing))
        self.assertEqual(self.error(missing), self.error(theirs))

    def test_reader_reads_but_does_not_cancel(self):
        path = '/v1/tasks/%s' % self.a_task.uuid
        self.call('a-reader', 'get', path, status=200)
        self.call('a-reader', 'get', path + '/events', status=200)
        response = self.call('a-reader', 'post', path + '/cancel')
        self.assertEqual((403, 'policy_not_authorized'),
                         self.error(response))
        self.assertEqual('pending', db_tasks.get_task(self.a_task.uuid).state)
        self.call('a-member', 'post', path + '/cancel', status=200)
        self.assertEqual('cancelled',
                         db_tasks.get_task(self.a_task.uuid).state)

    def test_admin_cancels_any_projects_task(self):
        self.call('system-reader', 'post',
                  '/v1/tasks/%s/cancel' % self.b_task.uuid, status=403)
        self.call('admin', 'post', '/v1/tasks/%s/cancel' % self.b_task.uuid,
                  status=200)

    def test_node_history_is_scoped_too(self):
        body = self.call('a-reader', 'get', '/v1/nodes/shared/tasks',
                         status=200).json
        self.assertEqual([self.a_task.uuid],
                         [t['uuid'] for t in body['tasks']])


class TestIdempotencyKeys(ScopingTestCase):

    def test_same_key_in_two_projects_is_two_keys(self):
        key = {'Idempotency-Key': 'k1'}
        first = self.call('a-member', 'put', '/v1/nodes/shared/states/power',
                          {'target': 'on'}, headers=key, status=202)
        # B's request differs, yet is no mismatch: A's key is not B's.
        second = self.call('b-member', 'put',
                           '/v1/nodes/shared/states/power',
                           {'target': 'off'}, headers=key, status=202)
        self.assertNotIn('Idempotent-Replayed', second.headers)
        self.assertNotEqual(first.json['uuid'], second.json['uuid'])
        self.assertEqual(identity.PROJECT_B,
                         db_tasks.get_task(second.json['uuid']).project_id)
        # And B's same request again replays B's answer, not A's.
        again = self.call('b-member', 'put', '/v1/nodes/shared/states/power',
                          {'target': 'off'}, headers=key, status=202)
        self.assertEqual('true', again.headers['Idempotent-Replayed'])
        self.assertEqual(second.json['uuid'], again.json['uuid'])
