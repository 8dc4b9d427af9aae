"""The API answers 202 at once, whatever the conductors are doing."""

import time

from async_api.tests.functional.api import base

# Far above an accept's few milliseconds, far below the 5 s a step sleeps:
# an accept that waited on a conductor or on hardware could not pass.
ACCEPT_BOUND = 1.0


class TestNeverBlocks(base.ServiceTestCase):

    def _accept_many(self, node, count=10):
        uuids = []
        for i in range(count):
            started = time.monotonic()
            response = self.set_power(node, 'on' if i % 2 else 'off')
            elapsed = time.monotonic() - started
            self.assertEqual(202, response.status_code, response.text)
            self.assertLess(elapsed, ACCEPT_BOUND)
            uuids.append(response.json()['uuid'])
        return uuids

    def test_accepts_while_no_conductor_runs(self):
        # The API alone: every task is accepted and none starts; the first
        # waits for a conductor, the rest wait behind it on the node.
        self.start('api')
        node = self.create_node()
        uuids = self._accept_many(node)
        time.sleep(0.5)
        seen = []
        for uuid in uuids:
            task = self.api('GET', '/v1/tasks/%s' % uuid)
            seen.append(task.json()['state'])
            self.assertIn('Retry-After', task.headers)
        self.assertEqual(['pending'] + ['queued'] * (len(uuids) - 1), seen)

    def test_accepts_while_steps_sleep(self):
        self.start('all', async_api_conductor={'workers': 1})
        node = self.create_node(driver_info={'fake_delay': 5})
        uuids = self._accept_many(node, count=4)
        task = self.api('GET', '/v1/tasks/%s' % uuids[0]).json()
        self.assertIn(task['state'], ('pending', 'running'))
