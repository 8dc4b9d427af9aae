"""Deadlines that hold, on the embedded default (async-api-all, SQLite).

The stuck-call scenario is shared with the distributed tests
(:mod:`async_api.tests.functional.deadlines`); SIGTERM is tested here.
"""

import signal
import subprocess
import time

from async_api.tests.functional.api import base
from async_api.tests.functional import deadlines


class TestDeadlines(deadlines.StuckCallScenarios, base.ServiceTestCase):

    def start_with(self, workers, hardware):
        self.start('all', async_api_conductor={'workers': workers},
                   hardware=hardware)

    def test_sigterm_exits_whatever_the_steps_do(self):
        grace = 2.0
        # Claims that would outlive the test: only a release lets the
        # next service take the job.
        options = {'async_api_conductor': {
            'workers': 2, 'graceful_shutdown_timeout': grace},
            'async_api_jobboard': {'claim_expiry': 300}}
        process = self.start('all', **options)
        uuid = self.accept(self.stuck_node())
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
