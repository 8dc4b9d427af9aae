"""Options of the ``[async_api_api]`` group: the library's HTTP parts.

They apply wherever the library's controllers are mounted (task and
event collections, action answers); the service that mounts them keeps
its own ``[api]`` group for where it listens and how it authenticates.
"""

from oslo_config import cfg

GROUP = 'async_api_api'

opts = [
    cfg.IntOpt('max_limit',
               default=1000,
               min=1,
               help='The most items a collection returns in one page, '
                    'whatever limit the client asks for.'),
    cfg.URIOpt('public_endpoint',
               help='Public URL of the API, used in links and Location '
                    'headers (for example https://api.example.com/async). '
                    'Needed behind a proxy that changes the host or path; '
                    'by default the URL of the request is used.'),
    cfg.IntOpt('wait_max',
               default=30,
               min=0,
               help='The most seconds a request with "Prefer: wait=N" '
                    'waits for its task to finish before it is answered '
                    '202 Accepted. 0 ignores the preference.'),
    cfg.FloatOpt('wait_poll_interval',
                 default=1.0,
                 min=0.05,
                 help='Seconds between two reads of a task by a request '
                      'that waits for it ("Prefer: wait=N"). A task that '
                      'finishes in the same process wakes its waiters at '
                      'once; this bounds how late a waiter sees a task '
                      'finished by another process.'),
    cfg.IntOpt('max_request_body_size',
               default=1024 * 1024,
               min=1024,
               help='The largest request body, in bytes, that the API '
                    'reads; a larger one is answered 413 '
                    'request_too_large before anything is parsed.'),
    cfg.IntOpt('max_json_depth',
               default=32,
               min=2,
               help='How deeply arrays and objects may nest in a request '
                    'body; deeper bodies are answered 400.'),
    cfg.FloatOpt('healthcheck_timeout',
                 default=2.0,
                 min=0.1,
                 help='Seconds GET /healthcheck waits for its probe (one '
                      'committed write to the database, one call to the '
                      'jobboard) before it answers 503.'),
    cfg.FloatOpt('healthcheck_cache',
                 default=2.0,
                 min=0,
                 help='Seconds a probe\'s result answers GET /healthcheck '
                      'before the next probe, so that frequent polls by '
                      'load balancers do not each write to the database.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
