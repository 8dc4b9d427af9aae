"""Node CRUD: POST, GET (one and list), PATCH, DELETE."""

import urllib.parse

from oslo_utils import uuidutils

from async_api.baremetal.db import nodes as db_nodes
from async_api.db import tasks as db_tasks
from async_api.common import states
from async_api.tests import db_helpers
from async_api.tests.unit.api import base


def _query(url):
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


class TestCreate(base.APITestCase):

    def test_create(self):
        response = self.app.post_json('/v1/nodes', {
            'name': 'node-1', 'driver': 'ipmi',
            'driver_info': {'ipmi_address': '10.0.0.1',
                            'ipmi_password': 'p', 'API_Token': 't',
                            'nested': {'secret_key': 's', 'port': 623}},
            'extra': {'rack': 'r1'}})
        self.assertEqual(201, response.status_int)
        node = response.json
        self.assertTrue(uuidutils.is_uuid_like(node['uuid']))
        self.assertEqual('http://localhost/v1/nodes/%s' % node['uuid'],
                         response.headers['Location'])
        self.assertEqual({'ipmi_address': '10.0.0.1',
                          'ipmi_password': '******', 'API_Token': '******',
                          'nested': {'secret_key': '******', 'port': 623}},
                         node['driver_info'])
        self.assertEqual({'rack': 'r1'}, node['extra'])
        self.assertEqual('available', node['provision_state'])
        self.assertEqual('in_sync', node['sync_state'])
        self.assertIsNone(node['power_state'])
        self.assertTrue(node['created_at'].endswith('+00:00'))
        self.assertEqual(
            [{'href': response.headers['Location'], 'rel': 'self'}],
            node['links'])
        for field in ('target_power_state', 'last_error', 'last_task_uuid',
                      'updated_at'):
            self.assertIn(field, node)
        # Stored as given: only the API masks.
        stored = db_nodes.get_node('node-1')
        self.assertEqual('p', stored.driver_info['ipmi_password'])

    def test_create_with_uuid_and_project(self):
        self.use_projects('p1')
        uuid = uuidutils.generate_uuid()
        response = self.app.post_json(
            '/v1/nodes', {'uuid': uuid, 'driver': 'fake'},
            headers=self.as_project('p1'))
        self.assertEqual(uuid, response.json['uuid'])
        self.assertEqual('p1', db_nodes.get_node(uuid).project_id)

    def _assert_rejected(self, body, **kwargs):
        response = self.app.post_json('/v1/nodes', body, expect_errors=True,
                                      **kwargs)
        error = self.assert_error(response, 400, 'invalid_parameter')
        self.assertEqual([], db_nodes.list_nodes())
        return error

    def test_invalid_bodies(self):
        for body in ({'driver': 'nope'},
                     {'name': 'x'},
                     # Found by the contract run: a null mandatory field
                     # reached the database's NOT NULL as a 500.
                     {'driver': None, 'name': '0', 'driver_info': {}},
                     {'driver': 'fake', 'power_state': 'on'},
                     {'driver': 'fake', 'name': uuidutils.generate_uuid()},
                     {'driver': 'fake', 'name': ''},
                     {'driver': 'fake', 'name': 'n' * 256},
                     {'driver': 'fake', 'uuid': 'not-a-uuid'},
                     {'driver': 'fake', 'driver_info': 'flat'},
                     {'driver': 'fake', 'extra': [1]},
                     ['driver', 'fake'],
                     'fake'):
            self._assert_rejected(body)

    def test_invalid_json(self):
        response = self.app.post('/v1/nodes', '{"driver": ',
                                 content_type='application/json',
                                 expect_errors=True)
        self.assert_error(response, 400, 'invalid_parameter')
        self.assertEqual([], db_nodes.list_nodes())

    def test_duplicate_name(self):
        self.create_node(name='dup')
        response = self.app.post_json('/v1/nodes',
                                      {'name': 'dup', 'driver': 'fake'},
                                      expect_errors=True)
        self.assert_error(response, 409, 'duplicate_name')


class TestGet(base.APITestCase):

    def test_by_uuid_and_name(self):
        node = self.create_node(name='n1', driver_info={'password': 'x'})
        for ident in (node.uuid, 'n1'):
            body = self.get_json('/v1/nodes/%s' % ident)
            self.assertEqual(node.uuid, body['uuid'])
            self.assertEqual({'password': '******'}, body['driver_info'])

    def test_not_found(self):
        for ident in ('missing', uuidutils.generate_uuid()):
            response = self.app.get('/v1/nodes/%s' % ident,
                                    expect_errors=True)
            error = self.assert_error(response, 404, 'node_not_found')
            self.assertIn(ident, error['detail'])

    def test_other_project_is_not_found(self):
        self.use_projects('p1')
        self.create_node(name='theirs', project_id='p2')
        response = self.app.get('/v1/nodes/theirs',
                                headers=self.as_project('p1'),
                                expect_errors=True)
        self.assert_error(response, 404, 'node_not_found')
        self.assertEqual('theirs', self.get_json(
            '/v1/nodes/theirs', headers=self.as_admin())['name'])


class TestList(base.APITestCase):

    def test_filters(self):
        a = self.create_node(name='a', driver='ipmi', power_state='on')
        self.create_node(name='b', driver='redfish', power_state='off',
                         sync_state='error')
        c = self.create_node(name='c', driver='fake',
                             provision_state='active')

        def names(query):
            body = self.get_json('/v1/nodes?' + query)
            return [node['name'] for node in body['nodes']]

        self.assertEqual(['a', 'b', 'c'], names(''))
        self.assertEqual(['a'], names('driver=ipmi'))
        self.assertEqual(['b'], names('power_state=off'))
        self.assertEqual(['c'], names('provision_state=active'))
        self.assertEqual(['b'], names('sync_state=error'))
        self.assertEqual([], names('driver=ipmi&power_state=off'))
        self.assertEqual(['c', 'b', 'a'], names('sort_key=name&sort_dir=desc'))
        self.assertNotIn('next', self.get_json('/v1/nodes'))
        self.assertEqual({a.uuid, c.uuid}, {
            n['uuid'] for n in self.get_json(
                '/v1/nodes?sort_key=driver&limit=2')['nodes']})

    def test_project_scope(self):
        self.create_node(name='mine', project_id='p1')
        self.create_node(name='theirs', project_id='p2')
        self.use_projects('p1')
        body = self.get_json('/v1/nodes', headers=self.as_project('p1'))
        self.assertEqual(['mine'], [n['name'] for n in body['nodes']])

    def test_pagination(self):
        made = [self.create_node(name='n%d' % i).uuid for i in range(5)]
        body = self.get_json('/v1/nodes?limit=2&driver=fake')
        seen = [n['uuid'] for n in body['nodes']]
        pages = 1
        while 'next' in body:
            query = _query(body['next'])
            self.assertEqual({'limit': '2', 'driver': 'fake',
                              'sort_key': 'created_at', 'sort_dir': 'asc',
                              'marker': seen[-1]}, query)
            self.assertTrue(body['next'].startswith(
                'http://localhost/v1/nodes?'))
            body = self.get_json(body['next'])
            seen += [n['uuid'] for n in body['nodes']]
            pages += 1
        self.assertEqual(made, seen)
        self.assertEqual(3, pages)

    def test_max_limit(self):
        self.config(max_limit=2, group='async_api_api')
        for i in range(3):
            self.create_node(name='n%d' % i)
        body = self.get_json('/v1/nodes?limit=50')
        self.assertEqual(2, len(body['nodes']))
        self.assertEqual('2', _query(body['next'])['limit'])
        self.assertEqual(2, len(self.get_json('/v1/nodes')['nodes']))

    def test_invalid_arguments(self):
        for query in ('limit=0', 'limit=-1', 'limit=x', 'sort_key=driver_info',
                      'sort_dir=up', 'marker=missing', 'driver=nope',
                      'sync_state=weird', 'unknown=1'):
            response = self.app.get('/v1/nodes?' + query, expect_errors=True)
            self.assert_error(response, 400, 'invalid_parameter')


class TestPatch(base.APITestCase):

    def setUp(self):
        super().setUp()
        self.node = self.create_node(
            name='n1', driver='ipmi',
            driver_info={'address': '10.0.0.1', 'password': 'p',
                         'nested': {'a': 1}},
            extra={'tags': ['x']})

    def _patch(self, operations, ident='n1', **kwargs):
        return self.app.patch_json('/v1/nodes/%s' % ident, operations,
                                   **kwargs)

    def test_replace_add_remove_test(self):
        response = self._patch([
            {'op': 'test', 'path': '/driver', 'value': 'ipmi'},
            {'op': 'replace', 'path': '/name', 'value': 'renamed'},
            {'op': 'replace', 'path': '/driver', 'value': 'redfish'},
            {'op': 'add', 'path': '/driver_info/port', 'value': 623},
            {'op': 'replace', 'path': '/driver_info/nested/a', 'value': 2},
            {'op': 'remove', 'path': '/driver_info/address'},
            {'op': 'add', 'path': '/extra/tags/-', 'value': 'y'},
            {'op': 'add', 'path': '/extra/owner', 'value': None},
        ])
        self.assertEqual(200, response.status_int)
        body = response.json
        self.assertEqual('renamed', body['name'])
        self.assertEqual('redfish', body['driver'])
        self.assertEqual({'password': '******', 'port': 623,
                          'nested': {'a': 2}}, body['driver_info'])
        self.assertEqual({'tags': ['x', 'y'], 'owner': None}, body['extra'])
        stored = db_nodes.get_node(self.node.uuid)
        self.assertEqual('p', stored.driver_info['password'])
        self.assertEqual('renamed', stored.name)
        self.assertIsNotNone(body['updated_at'])

    def test_remove_name_and_whole_dicts(self):
        body = self._patch([{'op': 'remove', 'path': '/name'},
                            {'op': 'remove', 'path': '/extra'}],
                           ident=self.node.uuid).json
        self.assertIsNone(body['name'])
        self.assertEqual({}, body['extra'])

    def test_invalid_patches_change_nothing(self):
        before = db_nodes.get_node(self.node.uuid)
        for operations in (
                [{'op': 'replace', 'path': '/uuid',
                  'value': uuidutils.generate_uuid()}],
                [{'op': 'replace', 'path': '/power_state', 'value': 'on'}],
                [{'op': 'replace', 'path': '/driver', 'value': 'nope'}],
                [{'op': 'remove', 'path': '/driver'}],
                [{'op': 'replace', 'path': '/name',
                  'value': uuidutils.generate_uuid()}],
                [{'op': 'replace', 'path': '/name', 'value': 5}],
                [{'op': 'replace', 'path': '/driver_info', 'value': 'x'}],
                [{'op': 'replace', 'path': '/name', 'value': 'ok'},
                 {'op': 'test', 'path': '/driver', 'value': 'fake'}],
                [{'op': 'replace', 'path': '/name'}],
                [{'op': 'remove', 'path': '/extra/missing'}],
                [{'op': 'replace', 'path': '/driver_info/missing/x',
                  'value': 1}],
                [{'op': 'move', 'path': '/name', 'from': '/driver'}],
                [{'op': 'copy', 'path': '/name'}],
                [{'op': 'add', 'path': 'name', 'value': 'x'}],
                [{'path': '/name', 'value': 'x'}],
                {'op': 'replace', 'path': '/name', 'value': 'x'},
                ['replace']):
            response = self._patch(operations, expect_errors=True)
            self.assert_error(response, 400, 'invalid_parameter')
        after = db_nodes.get_node(self.node.uuid)
        for field in ('name', 'driver', 'driver_info', 'extra', 'updated_at'):
            self.assertEqual(getattr(before, field), getattr(after, field))

    def test_not_found(self):
        response = self._patch([{'op': 'remove', 'path': '/name'}],
                               ident='missing', expect_errors=True)
        self.assert_error(response, 404, 'node_not_found')

    def test_duplicate_name(self):
        self.create_node(name='other')
        response = self._patch(
            [{'op': 'replace', 'path': '/name', 'value': 'other'}],
            expect_errors=True)
        self.assert_error(response, 409, 'duplicate_name')


class TestDelete(base.APITestCase):

    def test_delete(self):
        node = self.create_node(name='n1')
        response = self.app.delete('/v1/nodes/n1')
        self.assertEqual(204, response.status_int)
        self.assertEqual(b'', response.body)
        self.assertEqual([], db_nodes.list_nodes())
        response = self.app.delete('/v1/nodes/%s' % node.uuid,
                                   expect_errors=True)
        self.assert_error(response, 404, 'node_not_found')

    def test_active_tasks(self):
        node = self.create_node(name='n1')
        task = db_helpers.create_task({
            'operation': 'node.set_power_state', 'resource_type': 'node',
            'resource_uuid': node.uuid, 'state': states.RUNNING})
        response = self.app.delete('/v1/nodes/n1', expect_errors=True)
        self.assert_error(response, 409, 'node_has_active_tasks')
        db_tasks.update_task(task.uuid, {'state': states.SUCCEEDED})
        self.assertEqual(204, self.app.delete('/v1/nodes/n1').status_int)


class TestSecrets(base.APITestCase):

    def setUp(self):
        super().setUp()
        self.create_node(name='n1', driver_info={
            'ipmi_password': 'right', 'ipmi_address': '10.0.0.9',
            'redfish_address': 'https://admin:right@bmc/redfish'},
            extra={'bmc_password': 'right', 'rack': 'r1'},
            last_error='cannot reach https://admin:right@bmc/redfish')

    def test_no_secret_in_the_node_body(self):
        body = self.get_json('/v1/nodes/n1')
        self.assertNotIn('right', str(body))
        self.assertEqual('r1', body['extra']['rack'])
        self.assertEqual('10.0.0.9', body['driver_info']['ipmi_address'])

    def test_patch_test_of_a_secret_is_no_oracle(self):
        answers = set()
        for guess in ('right', 'wrong'):
            response = self.app.patch_json('/v1/nodes/n1', [
                {'op': 'test', 'path': '/driver_info/ipmi_password',
                 'value': guess}], expect_errors=True)
            error = response.json['errors'][0]
            answers.add((response.status_int, error['code'],
                         error['detail']))
        self.assertEqual(1, len(answers), answers)
        self.assertEqual(400, answers.pop()[0])

    def test_no_secret_in_the_stored_validation(self):
        node = db_nodes.get_node('n1')
        db_nodes.update_node(node.uuid, {'validation': {'power': {
            'result': False,
            'reason': 'cannot reach https://admin:right@bmc/redfish'}}})
        body = self.get_json('/v1/nodes/n1/validate')
        self.assertNotIn('right', str(body))
        self.assertEqual('cannot reach https://admin:******@bmc/redfish',
                         body['interfaces']['power']['reason'])
