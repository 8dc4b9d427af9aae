"""GET /healthcheck follows a SQLite write outage, over HTTP.

The database file and its write-ahead log are made immutable (as in
:mod:`.test_sqlite`): reads go on, every write fails. A load balancer
must see 503 while it lasts, and 200 once it is over, without a restart.
"""

import os
import shutil
import time

from async_api.baremetal.conf import database as database_conf
from async_api.tests.functional.api import base
from async_api.tests.functional.outages import test_sqlite

CACHE = 0.5


class TestHealthcheckWriteOutage(base.ServiceTestCase):

    def setUp(self):
        super().setUp()
        if os.getuid() != 0 or not shutil.which('chattr'):
            self.skipTest('making files immutable needs root and chattr')
        self.start('all', async_api_api={'healthcheck_cache': CACHE,
                                         'healthcheck_timeout': 2})
        database = os.path.join(self.state_path,
                                database_conf.DEFAULT_SQLITE_NAME)
        self.files = [path for path in (database, database + '-wal')
                      if os.path.exists(path)]

    def wait_for_status(self, status, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            response = self.api('GET', '/healthcheck')
            if response.status_code == status or time.monotonic() > deadline:
                return response
            time.sleep(CACHE)

    def test_unhealthy_while_writes_fail(self):
        self.assertEqual(200, self.api('GET', '/healthcheck').status_code)
        self.addCleanup(test_sqlite.chattr, '-i', self.files)
        test_sqlite.chattr('+i', self.files)
        # Reads still work: the old check, a SELECT, stayed 200 here.
        self.assertEqual(200, self.api('GET', '/v1/nodes').status_code)

        response = self.wait_for_status(503)
        self.assertEqual(503, response.status_code, response.text)
        error = response.json()['errors'][0]
        self.assertEqual('service_unavailable', error['code'])
        self.assertIn('Retry-After', response.headers)

        test_sqlite.chattr('-i', self.files)
        response = self.wait_for_status(200)
        self.assertEqual(200, response.status_code, response.text)
