"""Options of the ``[async_api_idempotency]`` group."""

from oslo_config import cfg

GROUP = 'async_api_idempotency'

opts = [
    cfg.IntOpt('key_ttl',
               default=86400,
               min=60,
               help='Seconds an idempotency key is kept after its first '
                    'use. Within this time a retried request with the same '
                    'key gets the stored response; after it, the key is '
                    'purged and may be used again.'),
    cfg.IntOpt('lock_timeout',
               default=60,
               min=1,
               help='Seconds a request may hold a key while it is being '
                    'accepted. A key held longer (its API worker died) is '
                    'taken over by the next request that uses it.'),
    cfg.IntOpt('retry_after',
               default=1,
               min=1,
               help='Retry-After seconds sent with 409 '
                    'idempotency_key_in_use.'),
    cfg.IntOpt('purge_interval',
               default=600,
               min=10,
               help='Seconds between conductor sweeps that purge expired '
                    'idempotency keys.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
