"""A step deadline that holds across processes: Redis board, PostgreSQL.

The embedded default has the same test in functional/api; the SIGTERM
hand-over on every board is in functional/distributed/crash.py. Here the
conductor is a process of its own with one worker, so a step that never
returns would starve every other task of that process if its deadline
did not hold.
"""

from async_api.tests.functional.distributed import base

#: A driver call that never returns (within any test's lifetime).
NEVER = 1e6


class TestStepDeadlineRedis(base.RedisBoard, base.DistributedTestCase):
    STEP_TIMEOUT = 2.0

    def sections(self, host):
        sections = super().sections(host)
        sections['hardware'] = {'step_timeout': self.STEP_TIMEOUT,
                                'bmc_retries': 0}
        return sections

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
