"""Outages under load: PostgreSQL stopped, Redis restarted.

An API process and two conductor processes on PostgreSQL and a Redis
board; 16 clients keep submitting power changes to nodes of their own
(:mod:`async_api.tests.functional.load`) while the test takes a server
away. Without restarting any process, every task accepted must end
``succeeded``, none failed for the outage, and every write refused must
have been a 503 with ``Retry-After``. Each test owns the server it takes
away (:mod:`.private`). The recovery times are printed (see
doc/source/admin/recovery.rst).
"""

import os
import time


from async_api.tests.functional.distributed import base
from async_api.tests.functional.distributed import private
from async_api.tests.functional import load
from async_api.tests import servers

PG_OUTAGE = float(os.environ.get('ASYNC_API_TEST_DB_OUTAGE', 30))
REDIS_OUTAGE = float(os.environ.get('ASYNC_API_TEST_BOARD_OUTAGE', 10))


class LoadOutage(load.LoadTestMixin, base.DistributedTestCase):

    BOARD = 'redis'

    def sections(self, host):
        sections = super().sections(host)
        sections['async_api_conductor'] = {'workers': 4}
        sections['async_api_lanes'] = {'reconcile_interval': 2,
                                       'repost_after': 5}
        return sections

    def start_deployment(self):
        self.start_api()
        self.start_conductor('host-a')
        self.start_conductor('host-b')

    def run_outage(self, stop, start, seconds, what, refusals=True):
        self.start_deployment()
        work = self.start_load()
        self.wait_until_accepted(work, 2 * load.CLIENTS)
        fault_start = time.monotonic()
        stop()
        time.sleep(seconds)
        start()
        fault_end = time.monotonic()
        time.sleep(10)
        recovery, accepted, refused = self.assert_healed(
            work, fault_start, fault_end, refusals=refusals)
        for host in ('api', 'host-a', 'host-b'):
            self.assertIsNone(self.processes[host].process.poll(), host)
        print('%s %.0f s: %d tasks accepted, %d writes refused, all done '
              '%.1f s after the fault cleared'
              % (what, seconds, accepted, refused, recovery))


class TestPostgreSQLStopped(private.PrivatePostgreSQLMixin, LoadOutage):

    def test_postgresql_stopped_under_load(self):
        self.run_outage(self.postgresql.stop, self.postgresql.start,
                        PG_OUTAGE, 'postgresql stopped')


class TestRedisRestarted(LoadOutage):

    def setUp(self):
        servers.require(self, servers.REDIS)
        self.redis = self.useFixture(private.RedisServer())
        super().setUp()

    def board_options(self):
        return {'hosts': '127.0.0.1:%d' % self.redis.port}

    def test_redis_restarted_under_load(self):
        # Tasks are accepted into the database meanwhile, and posted
        # once the board is back (by the reconciler).
        self.run_outage(self.redis.stop, self.redis.start, REDIS_OUTAGE,
                        'redis restarted', refusals=False)
