"""Deadlines that hold, on the embedded default (async-api-all, SQLite).

The fake driver's ``fake_delay`` makes a driver call sleep: a huge value
is a call that never returns, as a hung BMC client would.
"""

import signal
import subprocess
import time

from async_api.tests.functional.api import base

#: A driver call that never returns (within any test's lifetime).
NEVER = 1e6


class TestDeadlines(base.ServiceTestCase):

    def events(self, task_uuid):
        response = self.api('GET', '/v1/tasks/%s/events' % task_uuid)
        self.assertEqual(200, response.status_code, response.text)
        return response.json()['events']

    def accept(self, node, target='on'):
        response = self.set_power(node, target)
        self.assertEqual(202, response.status_code, response.text)
        return response.json()['uuid']

    def test_stuck_driver_calls_fail_and_free_every_worker(self):
        # As in the report: more stuck nodes than conductor threads.
        self.start('all', async_api_conductor={'workers': 2},
                   hardware={'step_timeout': 2.0, 'bmc_retries': 0})
        stuck = [self.create_node(driver_info={
            'fake_delay': {'set_power_state': NEVER}}) for _ in range(3)]
        stuck_tasks = [self.accept(node) for node in stuck]
        idle_task = self.accept(self.create_node())
        for uuid in stuck_tasks:
            task = self.wait_for_task(uuid, timeout=90)
            self.assertEqual('failed', task['state'], task)
            self.assertEqual('step_timeout', task['error']['code'])
            self.assertEqual('power-set-state', task['error']['step'])
            seen = [(e['event'], e['state']) for e in self.events(uuid)]
            self.assertIn(('power-set-state', 'failed'), seen)
            self.assertIn(('power-set-state', 'reverted'), seen)
        # The idle node's task did not wait for the stuck calls to end.
        task = self.wait_for_task(idle_task, timeout=90)
        self.assertEqual('succeeded', task['state'], task)
        for node in stuck:
            body = self.api('GET', '/v1/nodes/%s' % node['uuid']).json()
            self.assertEqual('in_sync', body['sync_state'], body)
        # And the workers take new work.
        task = self.wait_for_task(self.accept(self.create_node()),
                                  timeout=90)
        self.assertEqual('succeeded', task['state'], task)

    def test_sigterm_exits_whatever_the_steps_do(self):
        grace = 2.0
        # Claims that would outlive the test: only a release lets the
        # next service take the job.
        options = {'async_api_conductor': {
            'workers': 2, 'graceful_shutdown_timeout': grace},
            'async_api_jobboard': {'claim_expiry': 300}}
        process = self.start('all', **options)
        node = self.create_node(driver_info={
            'fake_delay': {'set_power_state': NEVER}})
        uuid = self.accept(node)
        deadline = time.monotonic() + 60
        while ('power-set-state', 'started') not in [
                (e['event'], e['state']) for e in self.events(uuid)]:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.1)
        started = time.monotonic()
        process.process.send_signal(signal.SIGTERM)
        try:
            code = process.process.wait(grace + 30)
        except subprocess.TimeoutExpired:
            self.fail('async-api-all did not exit on SIGTERM; log:\n%s'
                      % process.read_log()[-5000:])
        elapsed = time.monotonic() - started
        self.assertEqual(0, code)
        log = process.read_log()
        self.assertIn('abandoning them and releasing their jobs', log)
        # Stopped after the grace, not at once: the step had its chance.
        self.assertGreaterEqual(elapsed, grace)
        # The job was released: a new service takes it up at once and
        # runs the interrupted step again (attempt 2), which hangs again
        # here, so it is seen started, not finished.
        self.start('all', **options)
        deadline = time.monotonic() + 60
        while True:
            runs = [e for e in self.events(uuid)
                    if (e['event'], e['state'])
                    == ('power-set-state', 'started')]
            if len(runs) == 2:
                break
            self.assertLess(time.monotonic(), deadline, runs)
            time.sleep(0.1)
        self.assertEqual([1, 2], [e['details']['attempt'] for e in runs])
        self.assertTrue(runs[1]['details'].get('resumed'))
