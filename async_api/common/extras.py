"""Optional clients, installed as the package's extras.

``pip install async_api`` runs the embedded deployment (SQLite, the SQL
jobboard) and nothing else needs to be installed for it. The client of a
coordination server or the driver of a server database comes with an
extra (``pip install 'async_api[redis]'``) and is imported only when the
configuration chooses it. A missing one stops start-up with
:class:`MissingExtra`, whose message is one line that names the extra.
"""

import importlib

from sqlalchemy.engine import url as sa_url

#: The SQLAlchemy driver our extra of each database installs: the
#: ``dialect+driver`` a URL names.
DRIVERS = {'postgresql': 'psycopg2', 'mysql': 'pymysql'}


class MissingExtra(RuntimeError):
    """The configuration needs a client or driver that is not installed.

    Commands print it as one line and exit with status 1: it is a
    deployment mistake, not a bug, so a traceback would only hide it.
    """


def _install_hint(extra):
    return "pip install 'async_api[%s]'" % extra


def require(module, what, extra):
    """Import ``module`` (a client library); MissingExtra if it is absent.

    :param what: what needs it, for the message ("The redis jobboard").
    :param extra: the extra that installs it.
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra('%s needs the %s client: %s'
                           % (what, module, _install_hint(extra))) from None


def require_driver(connection, what):
    """Check that the driver of database URL ``connection`` is installed.

    Checked before an engine is built, so that a missing driver is named
    instead of surfacing as an ImportError deep in oslo.db or SQLAlchemy.
    The URL is never put in the message: it may hold a password.

    :param what: what connects there, for the message ("The database").
    """
    url = sa_url.make_url(connection)
    dialect = url.get_dialect()
    try:
        dialect.import_dbapi()
    except ImportError:
        backend, driver = url.get_backend_name(), url.get_driver_name()
        ours = DRIVERS.get(backend)
        if driver == ours:
            hint = _install_hint(backend)
        elif ours is not None:
            # A bare postgresql:// or mysql:// URL means SQLAlchemy's
            # default driver, which is not the one our extra installs.
            hint = ('install it, or use %s+%s:// and %s'
                    % (backend, ours, _install_hint(backend)))
        else:
            hint = 'install it'
        raise MissingExtra('%s (%s) needs the %s driver: %s'
                           % (what, url.drivername, driver, hint)) from None
