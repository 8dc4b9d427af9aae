"""Conductors run each resource's tasks one at a time, in order."""

from async_api.common import states
from async_api.tests.unit.conductor import test_service


class TestOrdering(test_service.ServiceTestCase):

    def test_one_lane_per_node_many_workers(self):
        self.start(workers=3)
        nodes = [self.make_node(fake_delay=0.02) for _ in range(2)]
        targets = ('on', 'off', 'reboot', 'off', 'on')
        tasks = [self.submit(node, target)
                 for target in targets for node in nodes]
        self.assertEqual(states.PENDING, tasks[0].state)
        self.assertEqual(states.PENDING, tasks[1].state)
        self.assertTrue(all(t.state == states.QUEUED for t in tasks[2:]))
        rows = [self.wait_for(task, timeout=60) for task in tasks]
        self.assertTrue(all(r.state == 'succeeded' for r in rows),
                        [(r.state, r.error) for r in rows])
        for node in nodes:
            runs = [r for r in rows if r.resource_uuid == node.uuid]
            for before, after in zip(runs, runs[1:]):
                self.assertLessEqual(before.finished_at, after.started_at)
        self.wait_board_empty()
