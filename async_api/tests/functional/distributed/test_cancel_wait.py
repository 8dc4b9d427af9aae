"""Cancel, Prefer: wait and validate now across processes.

PostgreSQL and Redis; the API and the conductor are separate processes,
so a cancel reaches the run only through the task row, and a waiter
sees the end only by reading it.
"""

from async_api.tests.functional import cancel_wait
from async_api.tests.functional.distributed import base


class TestCancelWaitRedis(cancel_wait.CancelWaitScenarios, base.RedisBoard,
                          base.DistributedTestCase):
    WORKERS = 1

    def setUp(self):
        super().setUp()
        self.start_api()
        self.start_conductor('c1')
