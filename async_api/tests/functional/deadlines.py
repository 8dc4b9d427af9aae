"""A step deadline that holds, over HTTP on a real service.

Shared by the embedded deployment's tests (functional/api) and the
distributed ones (functional/distributed), as :mod:`.cancel_wait` is: the
test case starts the service; the scenario only uses its HTTP API. The
fake driver's ``fake_delay`` makes a driver call sleep: a huge value is
a call that never returns, as a hung BMC client would.
"""

#: A driver call that never returns (within any test's lifetime).
NEVER = 1e6


class StuckCallScenarios:
    """Needs ``self.api``, ``create_node``, ``set_power``, ``events`` and
    ``wait_for_task`` (see functional/api/base.py), and
    ``start_with(workers, hardware)``: start the deployment with that
    many conductor threads and those ``[hardware]`` options.
    """

    def accept(self, node, target='on'):
        response = self.set_power(node, target)
        self.assertEqual(202, response.status_code, response.text)
        return response.json()['uuid']

    def stuck_node(self):
        return self.create_node(driver_info={
            'fake_delay': {'set_power_state': NEVER}})

    def test_stuck_driver_calls_fail_and_free_every_worker(self):
        # As in the report: more stuck nodes than conductor threads.
        self.start_with(workers=2, hardware={'step_timeout': 2.0,
                                             'bmc_retries': 0})
        stuck = [self.stuck_node() for _ in range(3)]
        stuck_tasks = [self.accept(node) for node in stuck]
        idle_task = self.accept(self.create_node())
        for uuid in stuck_tasks:
            task = self.wait_for_task(uuid, timeout=90)
            self.assertEqual('failed', task['state'], task)
            self.assertEqual('step_timeout', task['error']['code'])
            self.assertEqual('power-set-state', task['error']['step'])
            events = self.events(uuid)
            seen = [(e['event'], e['state']) for e in events]
            self.assertIn(('power-set-state', 'failed'), seen)
            self.assertIn(('power-set-state', 'reverted'), seen)
            # Failed and reverted where it ran: nothing was handed over.
            self.assertEqual(1, len({e['host'] for e in events}), events)
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
