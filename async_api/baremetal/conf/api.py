"""Options of the ``[api]`` group: the REST API service."""

from oslo_config import cfg

GROUP = 'api'

opts = [
    cfg.HostAddressOpt('host_ip',
                       default='127.0.0.1',
                       help='Address the API service listens on. The '
                            'default keeps a fresh install off the '
                            'network; use 0.0.0.0 to listen everywhere.'),
    cfg.PortOpt('port',
                default=6386,
                help='Port the API service listens on.'),
    cfg.StrOpt('auth_strategy',
               default='noauth',
               choices=[('noauth', 'No authentication: every request acts '
                                   'as one administrator (user "admin", '
                                   'roles admin, member and reader, system '
                                   'scope "all"), whatever its headers '
                                   'say. Only for an API that nobody but '
                                   'its operator can reach.'),
                        ('http_basic', 'HTTP Basic authentication against '
                                       'the htpasswd file of '
                                       'http_basic_auth_user_file.'),
                        ('keystone', 'Keystone tokens, checked by '
                                     'keystonemiddleware\'s auth_token as '
                                     'configured in [keystone_authtoken].')],
               help='How API requests are authenticated. The version '
                    'document (GET /) and GET /healthcheck need no '
                    'credentials.'),
    cfg.StrOpt('http_basic_auth_user_file',
               default='/etc/async-api/htpasswd',
               help='The htpasswd file of the http_basic strategy: one '
                    '"user:hash" line per user, bcrypt hashes only '
                    '(htpasswd -B). Read at every request, so users can '
                    'be added without a restart; the service does not '
                    'start if it cannot read it.'),
    cfg.DictOpt('http_basic_projects',
                default={},
                help='Projects of http_basic users, as user:project_id '
                     'pairs. A user named here acts in that project only, '
                     'with the roles member and reader; a user of the '
                     'htpasswd file not named here is an administrator '
                     '(roles admin, member and reader, system scope '
                     '"all").'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
