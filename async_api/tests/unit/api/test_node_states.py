"""Actions on a node: accepted as tasks, answered 202."""

from async_api.baremetal.db import nodes as db_nodes
from async_api.db import tasks as db_tasks
from async_api.common import states
from async_api.tests.unit.api import base
from async_api.tests.unit.api import fakes


class TestPower(base.APITestCase):

    def setUp(self):
        super().setUp()
        self.operations = self.useFixture(fakes.Operations())
        self.node = self.create_node(name='n1')

    def test_accepted(self):
        self.use_projects('p1')
        node = self.create_node(name='mine', project_id='p1')
        response = self.app.put_json(
            '/v1/nodes/mine/states/power', {'target': 'reboot'},
            headers=self.as_project('p1'))
        self.assertEqual(202, response.status_int)
        task = response.json
        self.assertEqual('http://localhost/v1/tasks/%s' % task['uuid'],
                         response.headers['Location'])
        self.assertEqual('node.set_power_state', task['operation'])
        self.assertEqual('node', task['resource_type'])
        self.assertEqual(node.uuid, task['resource_uuid'])
        self.assertEqual(states.PENDING, task['state'])
        self.assertEqual({'target': 'reboot'}, task['params'])
        self.assertEqual(response.headers['x-openstack-request-id'],
                         task['request_id'])
        self.assertEqual('p1', task['project_id'])
        # The htpasswd user of p1 is named after it.
        self.assertEqual('p1', task['user_id'])
        self.assertEqual(
            [{'href': response.headers['Location'], 'rel': 'self'}],
            task['links'])
        for field in ('progress', 'step', 'result', 'error',
                      'cancel_requested', 'attempt', 'created_at',
                      'updated_at', 'started_at', 'finished_at'):
            self.assertIn(field, task)
        self.assertEqual(1, self.operations.post.call_count)
        stored = db_tasks.get_task(task['uuid'])
        self.assertEqual('job-uuid', stored.job_uuid)
        # The API records the task only; the conductor moves the node.
        self.assertIsNone(db_nodes.get_node('mine').target_power_state)

    def test_other_project_node_not_found(self):
        self.use_projects('p1')
        response = self.app.put_json(
            '/v1/nodes/n1/states/power', {'target': 'on'},
            headers=self.as_project('p1'), expect_errors=True)
        self.assert_error(response, 404, 'node_not_found')
        self.assertEqual([], db_tasks.list_tasks())

    def test_invalid_targets_store_nothing(self):
        for body in ({'target': 'sideways'}, {}, {'target': 'on', 'x': 1},
                     ['on'], 'on', {'target': None}):
            response = self.app.put_json('/v1/nodes/n1/states/power', body,
                                         expect_errors=True)
            self.assert_error(response, 400, 'invalid_parameter')
        self.assertEqual([], db_tasks.list_tasks())
        self.assertEqual(0, self.operations.post.call_count)

    def test_node_not_found(self):
        response = self.app.put_json('/v1/nodes/missing/states/power',
                                     {'target': 'on'}, expect_errors=True)
        self.assert_error(response, 404, 'node_not_found')
        self.assertEqual([], db_tasks.list_tasks())


class TestNodeTasks(base.APITestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fakes.Operations())
        self.node = self.create_node(name='n1')

    def test_history_newest_first_paginated(self):
        other = self.create_node(name='n2')
        fakes.make_task(other.uuid)
        made = [fakes.make_task(self.node.uuid, states.SUCCEEDED).uuid
                for _ in range(3)]
        body = self.get_json('/v1/nodes/n1/tasks')
        self.assertEqual(made[::-1], [t['uuid'] for t in body['tasks']])
        self.assertNotIn('next', body)
        body = self.get_json('/v1/nodes/n1/tasks?limit=2')
        self.assertEqual(made[:0:-1], [t['uuid'] for t in body['tasks']])
        self.assertTrue(body['next'].startswith(
            'http://localhost/v1/nodes/n1/tasks?'))
        body = self.get_json(body['next'])
        self.assertEqual(made[:1], [t['uuid'] for t in body['tasks']])

    def test_node_not_found(self):
        response = self.app.get('/v1/nodes/missing/tasks',
                                expect_errors=True)
        self.assert_error(response, 404, 'node_not_found')
