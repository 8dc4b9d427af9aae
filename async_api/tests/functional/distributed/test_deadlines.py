"""A step deadline that holds across processes: Redis board, PostgreSQL.

The scenario is the embedded default's (functional/deadlines.py); the
SIGTERM hand-over on every board is in functional/distributed/crash.py.
Here the conductor is a process of its own, so stuck steps would starve
every other task of that process if their deadline did not hold.
"""

from async_api.tests.functional import deadlines
from async_api.tests.functional.distributed import base


class TestStepDeadlineRedis(deadlines.StuckCallScenarios, base.RedisBoard,
                            base.DistributedTestCase):

    def start_with(self, workers, hardware):
        self.OPTIONS = {'async_api_conductor': {'workers': workers},
                        'hardware': hardware}
        self.start_api()
        self.start_conductor('c1')
