"""Parse the command line and configuration files, and set up logging."""

from oslo_log import log

from async_api import conf as async_conf


def prepare(argv, prog):
    """Load configuration for command ``prog`` and configure logging."""
    conf = async_conf.CONF
    log.register_options(conf)
    conf(argv, project='async_api', prog=prog)
    log.setup(conf, 'async_api')
    return conf
