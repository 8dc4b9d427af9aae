"""The power operation end to end: HTTP in, conductor run, state back."""

from async_api.tests.functional.api import base


class TestPowerEndToEnd(base.ServiceTestCase):

    def setUp(self):
        super().setUp()
        self.start('all')

    def test_power_on_succeeds(self):
        node = self.create_node(name='n1')
        response = self.set_power(node, 'on')
        self.assertEqual(202, response.status_code, response.text)
        task = response.json()
        self.assertEqual(self.url + '/v1/tasks/' + task['uuid'],
                         response.headers['Location'])
        self.assertEqual('node.set_power_state', task['operation'])
        self.assertEqual(node['uuid'], task['resource_uuid'])
        self.assertIn(task['state'], ('pending', 'running'))
        self.assertEqual({'target': 'on'}, task['params'])

        done = self.wait_for_task(task['uuid'])
        self.assertEqual('succeeded', done['state'], done)
        self.assertEqual(100, done['progress'])
        self.assertIsNotNone(done['started_at'])
        self.assertIsNotNone(done['finished_at'])
        self.assertIsNone(done['error'])
        node = self.api('GET', '/v1/nodes/n1').json()
        self.assertEqual('on', node['power_state'])
        self.assertEqual(task['uuid'], node['last_task_uuid'])

        events = self.events(task['uuid'])
        steps = {e['event'] for e in events}
        self.assertIn('power-set-state', steps)
        for step in steps:
            seen = [e['state'] for e in events if e['event'] == step]
            self.assertEqual(['started', 'succeeded'], seen, step)
        self.assertEqual({'test-all'}, {e['host'] for e in events})

    def test_failing_step_reverts_and_task_fails(self):
        node = self.create_node(driver_info={
            'fake_fail': ['set_power_state']})
        task = self.set_power(node, 'on').json()
        done = self.wait_for_task(task['uuid'])
        self.assertEqual('failed', done['state'], done)
        self.assertEqual('power-set-state', done['error']['step'])
        self.assertTrue(done['error']['code'])
        self.assertIn('set_power_state', done['error']['message'])
        events = self.events(task['uuid'])
        set_state = [e['state'] for e in events
                     if e['event'] == 'power-set-state']
        self.assertEqual(['started', 'failed', 'reverting', 'reverted'],
                         set_state)
        node = self.api('GET', '/v1/nodes/%s' % node['uuid']).json()
        self.assertEqual('off', node['power_state'])
        self.assertNotEqual('error', node['sync_state'])

    def test_failing_revert_ends_in_error(self):
        node = self.create_node(driver_info={
            'fake_fail': ['set_power_state'], 'fake_fail_revert': True})
        task = self.set_power(node, 'on').json()
        done = self.wait_for_task(task['uuid'])
        self.assertEqual('error', done['state'], done)
        node = self.api('GET', '/v1/nodes/%s' % node['uuid']).json()
        self.assertEqual('error', node['sync_state'])
        self.assertTrue(node['last_error'])
        states = [e['state'] for e in self.events(task['uuid'])]
        self.assertIn('reverting', states)

    def test_bad_input_is_rejected_and_nothing_stored(self):
        node = self.create_node()
        for body in ({'target': 'sideways'}, {}, {'target': 'on', 'x': 1},
                     ['on']):
            response = self.api(
                'PUT', '/v1/nodes/%s/states/power' % node['uuid'],
                json=body)
            self.assertEqual(400, response.status_code, body)
            error = response.json()['errors'][0]
            self.assertEqual(400, error['status'])
            self.assertTrue(error['code'])
            self.assertTrue(error['request_id'])
        response = self.api('PUT',
                            '/v1/nodes/%s/states/power' % node['uuid'],
                            data='{not json',
                            headers={'Content-Type': 'application/json'})
        self.assertEqual(400, response.status_code)
        self.assertEqual([], self.api('GET', '/v1/tasks').json()['tasks'])

        response = self.api('POST', '/v1/nodes', json={'driver': 'nope'})
        self.assertEqual(400, response.status_code)
        self.assertEqual(1, len(self.api('GET', '/v1/nodes').json()['nodes']))

    def test_unknown_ids_are_404(self):
        missing = '0b6b6b6e-1111-4222-8333-944444444444'
        for path, code in (('/v1/nodes/%s' % missing, 'node_not_found'),
                           ('/v1/nodes/no-such-name', 'node_not_found'),
                           ('/v1/tasks/%s' % missing, 'task_not_found'),
                           ('/v1/tasks/%s/events' % missing,
                            'task_not_found')):
            response = self.api('GET', path)
            self.assertEqual(404, response.status_code, path)
            self.assertEqual(code, response.json()['errors'][0]['code'])
        response = self.api('PUT', '/v1/nodes/%s/states/power' % missing,
                            json={'target': 'on'})
        self.assertEqual(404, response.status_code)
        self.assertEqual([], self.api('GET', '/v1/tasks').json()['tasks'])
