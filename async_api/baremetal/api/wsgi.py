"""The WSGI application object, for production web servers.

For example ``uwsgi --module async_api.baremetal.api.wsgi:application``. The
configuration files are found the oslo.config way (for example
``/etc/async_api/async_api.conf``); the server's own command line is not
ours to parse. Importing this module loads the configuration, so only a
web server should import it.
"""

from async_api.baremetal.api import app
from async_api.baremetal import config

application = app.setup_app(config.prepare([], 'async-api-wsgi'))
