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
        waited = []

        def waiter():
            started = time.monotonic()
            woken = channel.wait(2.0)
            waited.append((time.monotonic() - started, woken))

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
        self.assertLess(waited[1][0], 1.0)
        self.assertEqual([True, True], [woken for _, woken in waited[:2]])
        # The third slept its whole timeout, and was not woken: it does
        # not read the table for the others' jobs.
        self.assertGreaterEqual(waited[2][0], 1.9)
        self.assertFalse(waited[2][1])

    def test_a_post_before_the_sleep_is_not_missed(self):
        # Between a board's look at the table and its sleep.
        channel = wakeup.Channel()
        channel.notify()
        started = time.monotonic()
        self.assertTrue(channel.wait(2.0))
        self.assertLess(time.monotonic() - started, 1.0)
        # Taken: the next sleep runs out.
        self.assertFalse(channel.wait(0.05))

    def test_posts_with_no_waiter_leave_one_wake_up(self):
        # Busy workers look at the table when they come back anyway:
        # a wake-up per post would be an empty read each later.
        channel = wakeup.Channel()
        for _ in range(5):
            channel.notify()
        self.assertTrue(channel.wait(0.05))
        self.assertFalse(channel.wait(0.05))

    def test_one_poller_at_a_time(self):
        channel = wakeup.Channel()
        self.assertTrue(channel.take_poll())
        self.assertFalse(channel.take_poll())
        channel.release_poll()
        self.assertTrue(channel.take_poll())

    def test_an_interrupt_before_the_sleep_is_not_missed(self):
        channel = wakeup.Channel()
        seen = channel.interrupts
        channel.interrupt()
        started = time.monotonic()
        # No permit: not woken, but not asleep either.
        self.assertFalse(channel.wait(None, since=seen))
        self.assertLess(time.monotonic() - started, 1.0)
