"""Options of the ``[async_api_jobboard]`` group: where jobs are posted
and claimed.

The default board (``sqlalchemy``) lives in the service's database. The
others are TaskFlow's own boards on a coordination server; the options
below are translated into each board's configuration by
:func:`async_api.jobboard.factory.board_conf`.
"""

from oslo_config import cfg

GROUP = 'async_api_jobboard'

#: The boards whose options :func:`async_api.jobboard.factory.board_conf`
#: knows.
BACKENDS = ('sqlalchemy', 'redis', 'etcd', 'zookeeper')

#: The server port of each board when ``port`` is not set.
DEFAULT_PORTS = {'redis': 6379, 'etcd': 2379, 'zookeeper': 2181}

opts = [
    cfg.StrOpt('backend',
               default='sqlalchemy',
               choices=[
                   ('sqlalchemy', 'async_api\'s board on a SQL database; '
                                  'needs no other server.'),
                   ('redis', 'TaskFlow\'s Redis board.'),
                   ('etcd', 'TaskFlow\'s etcd (v3) board.'),
                   ('zookeeper', 'TaskFlow\'s ZooKeeper board.'),
               ],
               help='Jobboard backend.'),
    cfg.StrOpt('connection',
               secret=True,
               help='Database URL of the sqlalchemy board; defaults to '
                    '[database]connection.'),
    cfg.StrOpt('board_name',
               default='async_api',
               help='Name of the board. Services that share one database or '
                    'one coordination server use different names: it is '
                    'the board\'s path on etcd and ZooKeeper and its key '
                    'namespace on Redis.'),
    cfg.FloatOpt('claim_expiry',
                 default=8.0,
                 min=1.0,
                 help='Seconds a conductor\'s claim on a job lasts unless it '
                      'is renewed (every third of it while the job runs). A '
                      'crashed conductor\'s jobs become claimable again '
                      'within this long, and another conductor resumes '
                      'them (a conductor that stops cleanly releases its '
                      'jobs at once). Lower means faster takeover after a '
                      'crash but less tolerance: a conductor whose '
                      'renewals all fail for this long (board or database '
                      'stalls) loses its jobs to another, which runs the '
                      'interrupted step again (claim epochs keep the old '
                      'owner from writing). On etcd it is rounded up to '
                      'whole seconds; on ZooKeeper it is the session '
                      'timeout, which the server bounds between 2 and 20 '
                      'ticks.'),
    cfg.FloatOpt('poll_interval',
                 default=0.5,
                 min=0.01,
                 help='Seconds a conductor waits for new jobs before it '
                      'looks at the board again.'),
    cfg.ListOpt('hosts',
                default=['127.0.0.1'],
                help='Servers of the redis, etcd or zookeeper board, as '
                     'host or host:port. Redis and etcd use the first one '
                     '(with redis_sentinel, the others are fallback '
                     'sentinels); ZooKeeper uses them all.'),
    cfg.PortOpt('port',
                help='Port of hosts given without one; by default 6379 '
                     '(redis), 2379 (etcd) or 2181 (zookeeper).'),
    cfg.StrOpt('username',
               help='User name on the board\'s server (Redis ACL).'),
    cfg.StrOpt('password',
               secret=True,
               help='Password on the board\'s server (Redis AUTH).'),
    cfg.IntOpt('redis_db',
               default=0,
               min=0,
               help='Redis database number.'),
    cfg.StrOpt('redis_sentinel',
               help='Name of the Redis Sentinel master. When set, hosts '
                    'are sentinels and the board follows failovers.'),
    cfg.BoolOpt('ssl',
                default=False,
                help='Speak TLS to the board\'s server.'),
    cfg.StrOpt('ssl_ca_file',
               help='CA bundle to verify the server\'s certificate.'),
    cfg.StrOpt('ssl_cert_file',
               help='Client certificate, when the server asks for one.'),
    cfg.StrOpt('ssl_key_file',
               help='Key of the client certificate.'),
    cfg.StrOpt('etcd_api_path',
               default='/v3/',
               help='Path of etcd\'s gRPC gateway (/v3/ since etcd 3.4).'),
    cfg.FloatOpt('connect_timeout',
                 default=5.0,
                 min=0.1,
                 help='Seconds to wait while connecting to the board\'s '
                      'server before the attempt counts as failed.'),
    cfg.FloatOpt('operation_timeout',
                 default=10.0,
                 min=0.1,
                 help='Seconds one request to the board\'s server may take '
                      '(Redis socket timeout, etcd HTTP timeout).'),
    cfg.IntOpt('retry_attempts',
               default=3,
               min=0,
               help='Times a failed request to the board\'s server is '
                    'retried at once (Redis client retries; ZooKeeper '
                    'command retries) before it counts as an outage. '
                    'Conductors themselves never give up: they retry '
                    'every poll_interval until the server is back.'),
    cfg.FloatOpt('retry_delay',
                 default=0.2,
                 min=0.0,
                 help='Seconds before the first retry; doubles each time.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
