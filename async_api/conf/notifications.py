"""Options of the ``[async_api_notifications]`` group: how they are sent.

What is sent, and where, is oslo.messaging's own
``[oslo_messaging_notifications]`` group (``driver``, ``topics``,
``transport_url``); these options only bound the sender thread that
takes notifications out of the database (see
doc/source/admin/notifications.rst).
"""

from oslo_config import cfg

GROUP = 'async_api_notifications'

opts = [
    cfg.FloatOpt('send_timeout',
                 default=10.0,
                 min=0.1,
                 help='Seconds one notification may take to send. A send '
                      'that takes longer counts as failed: the '
                      'notification stays in the database, is logged, '
                      'and is sent again later. Tasks never wait on a '
                      'send.'),
    cfg.FloatOpt('poll_interval',
                 default=1.0,
                 min=0.05,
                 help='Seconds between two looks for notifications '
                      'written by other processes (those written by this '
                      'process wake its sender at once).'),
    cfg.FloatOpt('retry_interval',
                 default=5.0,
                 min=0.1,
                 help='Seconds the sender waits after a failed send '
                      'before it tries again.'),
    cfg.IntOpt('batch_size',
               default=100,
               min=1,
               help='Notifications read from the database per batch.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
