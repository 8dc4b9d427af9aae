"""The crash-resume and drain scenarios, shared by every board's tests.

A conductor is SIGKILLed in the middle of a multi-step flow (while
``power-set-state`` waits on the hardware). Once its claim expires (the
default configuration's expiry) another conductor claims the job and
resumes it from the flow's saved progress: the steps that had finished do
not run again, the interrupted one does, and its second run shows in the
events as attempt 2.

A conductor that gets SIGTERM while a step is stuck drains for its
``graceful_shutdown_timeout``, then releases the job, which another
conductor takes at once (long before the claim would have expired).
"""

import signal
import subprocess
import time

from testtools import content as testtools_content

from async_api.common import states

#: Seconds the fake hardware takes to apply a power change.
SLOW_STEP = 3.0

#: Steps that finish before ``power-set-state`` starts.
EARLIER_STEPS = ('power-load-node',)


#: Takeover must come well within this (seconds after the kill): the
#: default claim expiry, then the next poll, on a loaded machine.
TAKEOVER_BOUND = 30


class CrashResumeMixin:
    """Needs a :class:`~.base.DistributedTestCase`."""

    # The default configuration's claim expiry: what operators get.
    CLAIM_EXPIRY = None

    def run_events(self, task_uuid, step, state):
        return [e for e in self.events(task_uuid)
                if (e['event'], e['state']) == (step, state)]

    def test_resume_after_sigkill(self):
        self.start_api()
        first = self.start_conductor('host-a')
        node = self.create_node(name='crash', driver_info={
            'fake_delay': {'set_power_state': SLOW_STEP}})
        response = self.set_power(node, 'on')
        self.assertEqual(202, response.status_code, response.text)
        task_uuid = response.json()['uuid']

        self.wait_for_event(task_uuid, 'power-set-state', 'started',
                            host='host-a')
        # The second conductor starts only now, so host-a surely ran the
        # first steps; then host-a dies mid-step, without any cleanup.
        self.start_conductor('host-b', wait=False)
        first.kill()
        killed = time.monotonic()
        resumed = self.wait_for_event(task_uuid, 'power-set-state',
                                      'started', host='host-b',
                                      timeout=TAKEOVER_BOUND)
        # Measured for the documentation (doc/source/admin/recovery.rst).
        self.addDetail('takeover-seconds', testtools_content.text_content(
            '%.1f' % (time.monotonic() - killed)))
        self.assertEqual(2, resumed['details']['attempt'])
        self.assertTrue(resumed['details'].get('resumed'))

        task = self.assert_terminal_soon(task_uuid)
        self.assertEqual(100, task['progress'])
        steps = self.steps(task_uuid)
        for step in EARLIER_STEPS:
            if step in steps:
                self.assertEqual([('started', 'host-a'),
                                  ('succeeded', 'host-a')], steps[step],
                                 step)
        # The interrupted step ran again on host-b, and each run shows.
        set_state = steps['power-set-state']
        self.assertEqual([('started', 'host-a'), ('started', 'host-b'),
                          ('succeeded', 'host-b')], set_state)
        self.assertEqual([('started', 'host-b'), ('succeeded', 'host-b')],
                         steps['power-verify-state'])
        self.assertEqual({'host-a', 'host-b'},
                         {e['host'] for e in self.events(task_uuid)})
        node = self.api('GET', '/v1/nodes/crash').json()
        self.assertEqual('on', node['power_state'])
        self.assertEqual(states.SUCCEEDED, task['state'])

    def test_sigterm_releases_a_stuck_job(self):
        # A claim that outlives the test: only a release hands the job on.
        self.CLAIM_EXPIRY = 300
        grace = 1.0
        self.OPTIONS = {'async_api_conductor': {
            'graceful_shutdown_timeout': grace}}
        self.start_api()
        first = self.start_conductor('host-a')
        node = self.create_node(name='drain', driver_info={
            'fake_delay': {'set_power_state': SLOW_STEP * 4}})
        response = self.set_power(node, 'on')
        self.assertEqual(202, response.status_code, response.text)
        task_uuid = response.json()['uuid']
        self.wait_for_event(task_uuid, 'power-set-state', 'started',
                            host='host-a')
        self.start_conductor('host-b')
        first.process.send_signal(signal.SIGTERM)
        stopped = time.monotonic()
        try:
            self.assertEqual(0, first.process.wait(grace + 30))
        except subprocess.TimeoutExpired:
            self.fail('host-a did not exit on SIGTERM')
        self.assertIn('releasing their jobs', first.read_log())
        resumed = self.wait_for_event(task_uuid, 'power-set-state',
                                      'started', host='host-b',
                                      timeout=TAKEOVER_BOUND)
        self.addDetail('handover-seconds', testtools_content.text_content(
            '%.1f' % (time.monotonic() - stopped)))
        self.assertEqual(2, resumed['details']['attempt'])
        task = self.assert_terminal_soon(task_uuid)
        self.assertEqual(states.SUCCEEDED, task['state'])
        self.assertEqual(2, task['attempt'])
