"""Idle boards of one process share their polls; a post wakes one."""

import threading
import time

from async_api.jobboard import wakeup
from async_api.tests import base


class TestChannel(base.TestCase):

    def test_one_poll_per_interval(self):
        channel = wakeup.Channel()
        self.assertTrue(channel.poll_due(60))
        # Another idle board, within the interval: no second query.
        self.assertFalse(channel.poll_due(60))
        self.assertTrue(channel.poll_due(0))

    def test_a_post_wakes_one_waiter(self):
        channel = wakeup.Channel()
        generation = channel.generation
        waited = []

        def waiter():
            started = time.monotonic()
            channel.wait(generation, 2.0)
            waited.append(time.monotonic() - started)

        threads = [threading.Thread(target=waiter) for _ in range(3)]
        for thread in threads:
            thread.start()
        while len(channel._cond._waiters) < 3:
            time.sleep(0.001)
        channel.notify()
        # A poll that found one job more wakes one more.
        channel.wake(1)
        for thread in threads:
            thread.join()
        waited.sort()
        self.assertLess(waited[1], 1.0)
        # The third slept its whole timeout.
        self.assertGreaterEqual(waited[2], 1.9)
