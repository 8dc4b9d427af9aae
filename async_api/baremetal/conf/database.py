"""Options of the ``[database]`` group.

The group itself belongs to oslo.db; async_api only sets the default
connection (embedded SQLite under ``state_path``).
"""

from oslo_config import cfg
from oslo_db import options as db_options

DEFAULT_SQLITE_NAME = 'async_api.sqlite'


def register_opts(conf):
    db_options.set_defaults(
        conf, connection='sqlite:///$state_path/' + DEFAULT_SQLITE_NAME)


def list_opts():
    """The oslo.db options, with this project's default connection."""
    conf = cfg.ConfigOpts()
    register_opts(conf)
    return db_options.list_opts()
