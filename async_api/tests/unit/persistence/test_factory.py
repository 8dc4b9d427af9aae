"""``[async_api_persistence]`` options become TaskFlow's configuration."""

from async_api.baremetal import conf as async_conf
from async_api.persistence import factory
from async_api.tests import base


class TestPersistenceConf(base.TestCase):

    def test_persistence_gets_the_pool_settings(self):
        self.config(max_pool_size=7, max_overflow=3, group='database')
        self.config(connection='postgresql://h/flows',
                    group='async_api_persistence')
        conf = factory.persistence_conf(async_conf.CONF)
        self.assertEqual('postgresql://h/flows', conf['connection'])
        self.assertEqual((7, 3), (conf['pool_size'], conf['max_overflow']))
