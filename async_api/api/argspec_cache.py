"""Remember Pecan's argument specs instead of computing them per request.

Pecan reads the argument spec of each controller method it routes
through, on every request, and its ``getargspec`` builds a new
``namedtuple`` class each time: about a fifth of an accept's CPU time
(doc/source/admin/benchmarks.rst). A method's spec never changes, so
:func:`install` wraps Pecan's function with a cache keyed by the
underlying function, in every Pecan module that imported it.
"""

from pecan import core
from pecan import decorators
from pecan import rest
from pecan import routing
from pecan import util

#: The Pecan modules that call ``getargspec`` by their own global name.
MODULES = (util, core, decorators, rest, routing)

_original = util.getargspec
_specs = {}


def cached_getargspec(method):
    # A bound method is a new object at each attribute access; the
    # function under it is not, and has the same spec.
    key = getattr(method, '__func__', method)
    try:
        return _specs[key]
    except KeyError:
        spec = _specs[key] = _original(method)
        return spec


def install():
    """Route Pecan's ``getargspec`` calls through the cache (idempotent)."""
    for module in MODULES:
        module.getargspec = cached_getargspec
