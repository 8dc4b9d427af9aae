"""The crash-resume scenario, shared by every board's tests.

A conductor is SIGKILLed in the middle of a multi-step flow (while
``power-set-state`` waits on the hardware). Once its claim expires another
conductor claims the job and resumes it from the flow's saved progress:
the steps that had finished do not run again, the interrupted one does.
"""

from async_api.common import states

#: Seconds the fake hardware takes to apply a power change.
SLOW_STEP = 3.0

#: Steps that finish before ``power-set-state`` starts.
EARLIER_STEPS = ('power-load-node', 'power-get-state', 'power-read-target')


class CrashResumeMixin:
    """Needs a :class:`~.base.DistributedTestCase`."""

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

        task = self.assert_terminal_soon(task_uuid)
        self.assertEqual(100, task['progress'])
        steps = self.steps(task_uuid)
        for step in EARLIER_STEPS:
            if step in steps:
                self.assertEqual([('started', 'host-a'),
                                  ('succeeded', 'host-a')], steps[step],
                                 step)
        # The interrupted step ran again on host-b. (Whether host-b writes
        # a second "started" is the reporter's business: the step was
        # already running in the saved progress.)
        set_state = steps['power-set-state']
        self.assertEqual(('started', 'host-a'), set_state[0], set_state)
        self.assertEqual(('succeeded', 'host-b'), set_state[-1], set_state)
        self.assertNotIn(('succeeded', 'host-a'), set_state)
        self.assertEqual([('started', 'host-b'), ('succeeded', 'host-b')],
                         steps['power-verify-state'])
        self.assertEqual({'host-a', 'host-b'},
                         {e['host'] for e in self.events(task_uuid)})
        node = self.api('GET', '/v1/nodes/crash').json()
        self.assertEqual('on', node['power_state'])
        self.assertEqual(states.SUCCEEDED, task['state'])
