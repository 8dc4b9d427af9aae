"""``[async_api_jobboard]`` options become each board's configuration."""

from async_api.baremetal import conf as async_conf
from async_api.jobboard import etcd_board
from async_api.jobboard import factory
from async_api.jobboard import redis_board
from async_api.tests import base
from async_api.tests import db_fixtures


class TestBoardConf(base.TestCase):

    def test_sqlalchemy_defaults_to_the_database(self):
        self.config(connection='sqlite:////tmp/x.sqlite', group='database')
        conf = factory.board_conf(async_conf.CONF)
        self.assertEqual({'board': 'sqlalchemy',
                          'connection': 'sqlite:////tmp/x.sqlite',
                          'path': 'async_api', 'claim_expiry': 8.0,
                          'wait_interval': 0.5}, conf)

    def test_redis(self):
        self.config(backend='redis', hosts=['redis.example:6380'],
                    password='s3cret', claim_expiry=12.5, redis_db=2,
                    group='async_api_jobboard')
        conf = factory.board_conf(async_conf.CONF)
        self.assertEqual('redis', conf['board'])
        self.assertEqual(('redis.example', 6380),
                         (conf['host'], conf['port']))
        self.assertEqual('s3cret', conf['password'])
        self.assertEqual(12.5, conf['claim_expiry'])
        self.assertEqual('async_api', conf['namespace'])
        self.assertEqual(2, conf['db'])
        self.assertEqual(5.0, conf['socket_connect_timeout'])
        self.assertNotIn('sentinel', conf)
        self.assertNotIn('connection', conf)

    def test_redis_default_port_and_sentinel(self):
        self.config(backend='redis', hosts=['s1', 's2:26380'],
                    redis_sentinel='mymaster', port=26379,
                    group='async_api_jobboard')
        conf = factory.board_conf(async_conf.CONF)
        self.assertEqual(('s1', 26379), (conf['host'], conf['port']))
        self.assertEqual('mymaster', conf['sentinel'])
        self.assertEqual(['s2:26380'], conf['sentinel_fallbacks'])

    def test_etcd_ttl_is_whole_seconds(self):
        self.config(backend='etcd', hosts=['etcd1'], claim_expiry=2.2,
                    group='async_api_jobboard')
        conf = factory.board_conf(async_conf.CONF)
        self.assertEqual(('etcd1', 2379), (conf['host'], conf['port']))
        self.assertEqual(3, conf['ttl'])
        self.assertEqual('http', conf['protocol'])
        self.assertEqual('async_api', conf['path'])

    def test_zookeeper_session_is_the_claim(self):
        self.config(backend='zookeeper', hosts=['z1', 'z2:2182'],
                    claim_expiry=8, group='async_api_jobboard')
        conf = factory.board_conf(async_conf.CONF)
        self.assertEqual('z1:2181,z2:2182', conf['hosts'])
        self.assertEqual(8.0, conf['timeout'])
        self.assertEqual(-1, conf['connection_retry']['max_tries'])


class TestBoardClasses(base.TestCase):

    def test_redis_claims_expire_by_default(self):
        board = redis_board.RedisBoard('b', {'claim_expiry': 4, 'port': 1})
        self.assertEqual(4.0, board.claim_expiry)
        self.assertIs(redis_board.RedisBoard, factory.board_class('redis'))
        self.assertIs(etcd_board.EtcdBoard, factory.board_class('etcd'))
        # TaskFlow's own class, through its entry point.
        self.assertIsNone(factory.board_class('zookeeper'))

    def test_redis_rejects_non_positive_expiry(self):
        self.assertRaises(ValueError, redis_board.RedisBoard, 'b',
                          {'claim_expiry': 0})


class TestOpenBoard(base.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(db_fixtures.SQLiteDatabase())

    def held_after_a_claim(self, **kwargs):
        board = factory.open_board(async_conf.CONF, None, **kwargs)
        self.addCleanup(board.close)
        job = board.post('job')
        board.claim(job, 'conductor-1')
        return board._keeper.held()

    def test_sql_board_renews_its_claims(self):
        self.assertEqual(1, len(self.held_after_a_claim()))

    def test_renewed_elsewhere_leaves_renewal_to_the_caller(self):
        # A conductor service's claim keeper renews: one renewal a claim.
        self.assertEqual(set(),
                         self.held_after_a_claim(renewed_elsewhere=True))
