"""The WSGI application of the bare-metal service's REST API.

Its own root (:mod:`async_api.baremetal.api.root`) in Pecan, with the
library's hooks and middlewares (:mod:`async_api.api.app`), behind the
authentication ``[api]auth_strategy`` names (:mod:`async_api.api.auth`).
"""

import pecan

import async_api
from async_api.baremetal.api import policy
from async_api.baremetal.api import root
from async_api.baremetal import conf as async_conf
from async_api.baremetal import hooks


def setup_app(conf=None):
    """Build the WSGI application.

    :param conf: an oslo.config ``ConfigOpts`` with the service's options
        registered; ``async_api.baremetal.conf.CONF`` by default.
    """
    conf = conf or async_conf.CONF
    hooks.register()
    # Built first: a broken htpasswd file stops the service here.
    auth = async_api.Authentication(
        conf.api.auth_strategy,
        user_file=conf.api.http_basic_auth_user_file,
        user_projects=conf.api.http_basic_projects)
    policy.register()
    app = pecan.make_app(
        root.RootController(),
        hooks=async_api.make_hooks(conf),
        **async_api.PECAN_CONFIG)
    return async_api.wrap_app(app, conf, auth=auth)
