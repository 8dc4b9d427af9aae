"""SIGKILL a conductor mid-flow: another resumes it, on each board.

PostgreSQL holds the tasks and the flows' progress; the jobboard is the
SQL board on the same database, Redis or etcd (the run's shared servers,
each test in its own namespace).
"""

from async_api.tests.functional.distributed import base
from async_api.tests.functional.distributed import crash
from async_api.tests import servers


class TestCrashResumeSQLBoard(crash.CrashResumeMixin,
                              base.DistributedTestCase):
    BOARD = 'sqlalchemy'


class TestCrashResumeRedis(crash.CrashResumeMixin, base.RedisBoard,
                           base.DistributedTestCase):
    pass


class TestCrashResumeEtcd(crash.CrashResumeMixin, base.DistributedTestCase):
    BOARD = 'etcd'

    def board_options(self):
        url = servers.require(self, servers.ETCD)
        return {'hosts': url.split('//', 1)[1]}
