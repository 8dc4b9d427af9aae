"""Remember argument specs instead of computing them per request.

Pecan reads the argument spec of each controller method it routes
through, on every request, and its ``getargspec`` builds a new
``namedtuple`` class each time: about a fifth of an accept's CPU time
(doc/source/admin/benchmarks.rst). oslo.middleware's base middleware
inspects its own ``process_response`` on every response, twice a request
in the library's stack (CORS, HTTPProxyToWSGI): about 3 % of an accept.
A function's spec never changes, so :func:`install` wraps both functions
with a cache keyed by the underlying function, in every module that
imported them.
"""

import inspect

from oslo_middleware import base as middleware_base
from pecan import core
from pecan import decorators
from pecan import rest
from pecan import routing
from pecan import util

#: The Pecan modules that call ``getargspec`` by their own global name.
MODULES = (util, core, decorators, rest, routing)
#: The modules that call ``inspect.getfullargspec`` by their own global
#: name.
FULL_MODULES = (middleware_base,)

_original = util.getargspec
_original_full = inspect.getfullargspec


def _cached(original):
    specs = {}

    def cached(method):
        # A bound method is a new object at each attribute access; the
        # function under it is not, and has the same spec.
        key = getattr(method, '__func__', method)
        try:
            return specs[key]
        except KeyError:
            spec = specs[key] = original(method)
            return spec
    return cached


cached_getargspec = _cached(_original)
cached_getfullargspec = _cached(_original_full)


def install():
    """Route those calls through the caches (idempotent)."""
    for module in MODULES:
        module.getargspec = cached_getargspec
    for module in FULL_MODULES:
        module.getfullargspec = cached_getfullargspec
