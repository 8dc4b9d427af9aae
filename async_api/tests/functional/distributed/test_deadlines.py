"""Deadlines that hold across processes: Redis board, PostgreSQL.

The embedded default has the same tests in functional/api. Here the
conductor is a process of its own with one worker, so a step that never
returns would starve every other task of that process if its deadline
did not hold, and a SIGTERM must hand the job back through Redis (not by
the claim's expiry, set far beyond the test here).
"""

import signal
import subprocess
import time

from async_api.tests.functional.distributed import base
from async_api.tests import servers

#: A driver call that never returns (within any test's lifetime).
NEVER = 1e6
#: Seconds the conductor waits for running steps on SIGTERM.
GRACE = 2.0


class _RedisDeadlines(base.DistributedTestCase):
    BOARD = 'redis'
    # A SIGTERM must release the claim: its expiry would be too late.
    CLAIM_EXPIRY = 300.0
    STEP_TIMEOUT = 2.0

    def sections(self, host):
        sections = super().sections(host)
        sections['hardware'] = {'step_timeout': self.STEP_TIMEOUT,
                                'bmc_retries': 0}
        sections['async_api_conductor']['graceful_shutdown_timeout'] = GRACE
        return sections

    def board_options(self):
        url = servers.require(self, servers.REDIS)
        return {'hosts': url.split('//', 1)[1]}

    def setUp(self):
        super().setUp()
        self.start_api()

    def accept(self, node, target='on'):
        response = self.set_power(node, target)
        self.assertEqual(202, response.status_code, response.text)
        return response.json()['uuid']

    def stuck_node(self):
        return self.create_node(driver_info={
            'fake_delay': {'set_power_state': NEVER}})


class TestStepDeadlineRedis(_RedisDeadlines):

    def test_stuck_call_fails_at_its_deadline_and_frees_the_worker(self):
        self.start_conductor('c1')
        stuck = self.accept(self.stuck_node())
        # Another node's task, for the conductor's only worker.
        idle = self.accept(self.create_node())
        task = self.assert_terminal_soon(stuck, expected='failed')
        self.assertEqual('step_timeout', task['error']['code'])
        self.assertEqual('power-set-state', task['error']['step'])
        self.assertIn(('reverted', 'c1'), self.steps(stuck)['power-set-state'])
        self.assert_terminal_soon(idle)


class TestSigtermRedis(_RedisDeadlines):
    # Longer than the grace: the step still runs when the grace ends.
    STEP_TIMEOUT = 20.0

    def test_sigterm_hands_the_job_over_through_the_board(self):
        first = self.start_conductor('c1')
        uuid = self.accept(self.stuck_node())
        self.wait_for_event(uuid, 'power-set-state', 'started', host='c1')
        # The step may run this long: SIGTERM must not wait for it.
        started = time.monotonic()
        first.process.send_signal(signal.SIGTERM)
        try:
            code = first.process.wait(GRACE + 30)
        except subprocess.TimeoutExpired:
            self.fail('async-api-conductor did not exit on SIGTERM')
        self.assertEqual(0, code)
        self.assertGreaterEqual(time.monotonic() - started, GRACE)
        # Released, not left to its 300 s expiry: the next conductor runs
        # the interrupted step again, as its second attempt.
        self.start_conductor('c2')
        event = self.wait_for_event(uuid, 'power-set-state', 'started',
                                    host='c2', timeout=60)
        self.assertEqual(2, event['details']['attempt'])
        self.assertTrue(event['details'].get('resumed'))
        # And that run, stuck again, still fails at the step's deadline.
        task = self.assert_terminal_soon(uuid, expected='failed')
        self.assertEqual('step_timeout', task['error']['code'])
