"""The healthcheck probe's cache, single flight and timeout.

That it goes 503 when the database refuses writes is tested over HTTP
against a real outage (async_api.tests.functional.outages.
test_healthcheck); these cases cover what a load balancer's polls cost.
"""

import threading

from async_api.api import health
from async_api.baremetal import conf as async_conf
from async_api.tests import base


class TestStorageCheck(base.TestCase):

    def setUp(self):
        super().setUp()
        self.probes = 0
        self.release = threading.Event()
        self.release.set()
        self.check = health.StorageCheck(async_conf.CONF, {})
        self.check._probe = self._probe
        self.addCleanup(self.release.set)

    def _probe(self):
        self.probes += 1
        self.release.wait(30)

    def test_result_is_reused_within_the_cache_period(self):
        self.config(healthcheck_cache=60, group='async_api_api')
        for _ in range(5):
            self.assertTrue(self.check.healthcheck(80).available)
        self.assertEqual(1, self.probes)

    def test_probed_again_after_the_cache_period(self):
        self.config(healthcheck_cache=0, group='async_api_api')
        for _ in range(3):
            self.assertTrue(self.check.healthcheck(80).available)
        self.assertEqual(3, self.probes)

    def test_hung_probe_is_unhealthy_and_not_started_twice(self):
        self.config(healthcheck_cache=0, healthcheck_timeout=0.1,
                    group='async_api_api')
        self.release.clear()
        first = self.check.healthcheck(80)
        second = self.check.healthcheck(80)
        self.assertFalse(first.available)
        self.assertFalse(second.available)
        self.assertIn('did not answer', second.reason)
        # The second poll waited on the same probe instead of starting
        # another thread on the hung server.
        self.assertEqual(1, self.probes)

    def test_failed_probe_is_unhealthy(self):
        def refuse():
            raise OSError('attempt to write a readonly database')
        self.check._probe = refuse
        result = self.check.healthcheck(80)
        self.assertFalse(result.available)
        self.assertIn('readonly', result.reason)
