"""Queued tasks over HTTP: the queue limit and deleting a busy node."""

from async_api.tests.functional.api import base


class TestQueueLimit(base.ServiceTestCase):

    def setUp(self):
        super().setUp()
        self.start('all', async_api_lanes={'max_queued_per_resource': 3},
                   async_api_conductor={'workers': 1})

    def test_full_queue_and_busy_node(self):
        node = self.create_node(driver_info={'fake_delay': 0.3})
        tasks = [self.set_power(node, target).json()
                 for target in ('on', 'off', 'on')]
        self.assertEqual(['queued', 'queued'],
                         [t['state'] for t in tasks[1:]])
        response = self.set_power(node, 'off')
        self.assertEqual(409, response.status_code, response.text)
        self.assertEqual('resource_queue_full',
                         response.json()['errors'][0]['code'])
        response = self.api('DELETE', '/v1/nodes/%s' % node['uuid'])
        self.assertEqual(409, response.status_code, response.text)
        self.assertEqual('node_has_active_tasks',
                         response.json()['errors'][0]['code'])
        done = [self.wait_for_task(t['uuid']) for t in tasks]
        self.assertEqual(['succeeded'] * 3, [t['state'] for t in done])
        for before, after in zip(done, done[1:]):
            self.assertLessEqual(before['finished_at'], after['started_at'])
        # Room again once they finished; and then the node may go.
        self.assertEqual(202, self.set_power(node, 'off').status_code)
        self.wait_for_task(self.api('GET', '/v1/tasks?resource_uuid=%s'
                                    % node['uuid']).json()['tasks'][0]
                           ['uuid'])
        response = self.api('DELETE', '/v1/nodes/%s' % node['uuid'])
        self.assertEqual(204, response.status_code, response.text)
