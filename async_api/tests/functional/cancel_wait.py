"""Cancel, ``Prefer: wait`` and validate now, over HTTP on a real service.

Shared by the embedded deployment's tests (functional/api) and the
distributed ones (functional/distributed): the test case starts the
service; these scenarios only use its HTTP API.
"""

import time

from async_api.common import states

#: Seconds the fake driver's set_power_state takes in the slow scenarios:
#: long enough to act while the task runs, on a loaded machine too.
SLOW = 4.0


class CancelWaitScenarios:
    """Needs ``self.api``, ``create_node``, ``set_power``, ``events`` and
    ``wait_for_task`` (see functional/api/base.py), and ``WORKERS``: the
    conductor threads of the deployment.
    """

    WORKERS = 1

    def slow_node(self, **driver_info):
        return self.create_node(driver_info=dict(
            driver_info, fake_delay={'set_power_state': SLOW}))

    def wait_for_step(self, task_uuid, step, state='started', timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(e['event'] == step and e['state'] == state
                   for e in self.events(task_uuid)):
                return
            time.sleep(0.05)
        self.fail('Task %s never had %s %s: %s' % (
            task_uuid, step, state, self.events(task_uuid)))

    def cancel(self, task_uuid, **kwargs):
        return self.api('POST', '/v1/tasks/%s/cancel' % task_uuid, **kwargs)

    def busy_conductors(self):
        """Keep every conductor thread on a slow task; returns them."""
        tasks = []
        for _ in range(self.WORKERS):
            response = self.set_power(self.slow_node(), 'on')
            self.assertEqual(202, response.status_code, response.text)
            tasks.append(response.json()['uuid'])
        for task_uuid in tasks:
            self.wait_for_step(task_uuid, 'power-set-state')
        return tasks

    def test_cancel_queued(self):
        node = self.slow_node()
        first = self.set_power(node, 'on').json()
        second = self.set_power(node, 'off').json()
        self.assertEqual('queued', second['state'])
        # Under noauth the canceller is the one administrator, whatever
        # user a header names.
        response = self.cancel(second['uuid'],
                               headers={'X-User-Id': 'alice'})
        self.assertEqual(200, response.status_code, response.text)
        self.assertEqual('cancelled', response.json()['state'])
        self.assertIn('user admin', response.json()['error']['message'])
        self.assertNotIn('alice', response.json()['error']['message'])
        [event] = self.events(second['uuid'])
        self.assertEqual(('cancel', 'requested'),
                         (event['event'], event['state']))
        self.assertEqual('admin', event['details']['user_id'])
        # The head goes on; the cancelled one never runs.
        done = self.wait_for_task(first['uuid'])
        self.assertEqual('succeeded', done['state'], done)
        self.assertEqual(1, len(self.events(second['uuid'])))
        node = self.api('GET', '/v1/nodes/%s' % node['uuid']).json()
        self.assertEqual('on', node['power_state'])
        # Finished: too late to cancel.
        response = self.cancel(first['uuid'])
        self.assertEqual(409, response.status_code, response.text)
        self.assertEqual('task_finished',
                         response.json()['errors'][0]['code'])

    def test_cancel_pending(self):
        busy = self.busy_conductors()
        node = self.create_node()
        task = self.set_power(node, 'on').json()
        self.assertEqual('pending', task['state'])
        response = self.cancel(task['uuid'])
        self.assertEqual(200, response.status_code, response.text)
        self.assertEqual('cancelled', response.json()['state'])
        # A second cancel: the same answer, nothing recorded.
        self.assertEqual(200, self.cancel(task['uuid']).status_code)
        for task_uuid in busy:
            self.assertEqual('succeeded',
                             self.wait_for_task(task_uuid)['state'])
        # Its job was consumed unrun once a conductor was free.
        time.sleep(1)
        self.assertEqual(['cancel'],
                         [e['event'] for e in self.events(task['uuid'])])
        node = self.api('GET', '/v1/nodes/%s' % node['uuid']).json()
        self.assertNotEqual('on', node['power_state'])
        self.assertIsNone(node['last_task_uuid'])

    def test_cancel_running_reverts(self):
        node = self.slow_node()
        task = self.set_power(node, 'on').json()
        self.wait_for_step(task['uuid'], 'power-set-state')
        response = self.cancel(task['uuid'])
        self.assertEqual(202, response.status_code, response.text)
        self.assertTrue(response.json()['cancel_requested'])
        self.assertIn(response.json()['state'], ('running', 'reverting'))
        self.assertIn('Retry-After', response.headers)
        done = self.wait_for_task(task['uuid'])
        self.assertEqual('cancelled', done['state'], done)
        self.assertEqual('cancelled', done['error']['code'])
        events = self.events(task['uuid'])
        self.assertEqual(1, len([e for e in events if e['event'] == 'cancel']))
        set_state = [e['state'] for e in events
                     if e['event'] == 'power-set-state']
        self.assertEqual(['started', 'succeeded', 'reverting', 'reverted'],
                         set_state)
        node = self.api('GET', '/v1/nodes/%s' % node['uuid']).json()
        self.assertEqual('off', node['power_state'])
        # Its lane is free: the next action runs.
        response = self.set_power(node, 'on', headers={'Prefer': 'wait=60'})
        self.assertEqual('succeeded', response.json()['state'])

    def test_prefer_wait_on_a_fast_task(self):
        node = self.create_node()
        response = self.set_power(node, 'on', headers={'Prefer': 'wait=60'})
        self.assertEqual(200, response.status_code, response.text)
        self.assertEqual('succeeded', response.json()['state'])
        self.assertEqual('wait=30', response.headers['Preference-Applied'])
        self.assertIn('/v1/tasks/%s' % response.json()['uuid'],
                      response.headers['Location'])

    def test_prefer_wait_on_a_slow_task(self):
        node = self.slow_node()
        started = time.monotonic()
        response = self.set_power(node, 'on', headers={'Prefer': 'wait=1'})
        self.assertGreaterEqual(time.monotonic() - started, 0.9)
        self.assertEqual(202, response.status_code, response.text)
        self.assertNotIn(response.json()['state'], states.TERMINAL)
        self.assertNotIn('Preference-Applied', response.headers)
        self.assertEqual('1', response.headers['Retry-After'])
        # The task's own GET waits too.
        response = self.api('GET', '/v1/tasks/%s' % response.json()['uuid'],
                            headers={'Prefer': 'wait=30'}, timeout=60)
        self.assertEqual('succeeded', response.json()['state'])
        self.assertEqual('wait=30', response.headers['Preference-Applied'])

    def test_validate_on_demand(self):
        node = self.create_node()
        stored = self.api('GET', '/v1/nodes/%s/validate' % node['uuid'])
        self.assertIsNone(stored.json()['validated_at'])
        response = self.api('POST', '/v1/nodes/%s/validate' % node['uuid'])
        self.assertEqual(202, response.status_code, response.text)
        task = response.json()
        self.assertEqual('node.validate', task['operation'])
        done = self.wait_for_task(task['uuid'])
        self.assertEqual('succeeded', done['state'], done)
        stored = self.api('GET', '/v1/nodes/%s/validate' % node['uuid'])
        self.assertEqual(200, stored.status_code)
        self.assertIsNotNone(stored.json()['validated_at'])
        self.assertTrue(stored.json()['interfaces']['power']['result'])
        self.assertEqual(done['result'], stored.json()['interfaces'])
