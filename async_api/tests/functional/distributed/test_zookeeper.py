"""The ZooKeeper board: crash resume and claims that end with the session.

tools/test-servers.sh starts ZooKeeper with a 500 ms tick, so sessions
may be as short as 1 s.
"""

from async_api.tests.functional.distributed import base
from async_api.tests.functional.distributed import crash
from async_api.tests import servers


class TestCrashResumeZooKeeper(crash.CrashResumeMixin,
                               base.DistributedTestCase):
    BOARD = 'zookeeper'

    def board_options(self):
        url = servers.require(self, servers.ZOOKEEPER)
        return {'hosts': url.split('//', 1)[1]}
