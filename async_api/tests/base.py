"""Base test case: isolated configuration and logging."""

import fixtures
from oslo_config import fixture as config_fixture
import testtools

from async_api.baremetal import conf as async_conf
from async_api.baremetal import hooks


class TestCase(testtools.TestCase):
    """Every test gets a clean CONF and a scratch state directory."""

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.Timeout(240, gentle=True))
        async_conf.register_opts(async_conf.CONF)
        hooks.register()
        self.config = self.useFixture(
            config_fixture.Config(async_conf.CONF)).config
        async_conf.CONF([], project='async_api', default_config_files=[])
        self.state_path = self.useFixture(fixtures.TempDir()).path
        self.config(state_path=self.state_path)
        self.logger = self.useFixture(
            fixtures.FakeLogger(level='DEBUG', format=None))
