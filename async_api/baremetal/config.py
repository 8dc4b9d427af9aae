"""Parse the command line and configuration files, and set up logging."""

from oslo_log import log

import async_api
from async_api.baremetal import conf as async_conf
from async_api.baremetal import hooks


def prepare(argv, prog):
    """Load configuration for command ``prog`` and configure logging.

    Registers the service's and the library's options first, and the
    ``node`` resource hooks. A client or database driver that the
    configuration needs but is not installed raises
    :class:`~async_api.common.extras.MissingExtra` here, before anything
    starts.
    """
    conf = async_conf.CONF
    async_conf.register_opts(conf)
    log.register_options(conf)
    hooks.register()
    conf(argv, project='async_api', prog=prog)
    log.setup(conf, 'async_api')
    # No secret in any log line, at any level.
    async_api.install_log_masking()
    async_api.setup_database(conf)
    async_api.check_persistence(conf)
    async_api.check_jobboard(conf)
    return conf
