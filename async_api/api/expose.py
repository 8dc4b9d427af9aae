"""``expose``: ``wsmeext.pecan.wsexpose`` that knows async_api's errors.

WSME turns any exception into a status taken from an integer ``code``
attribute, or 500. :class:`~async_api.common.exception.AsyncApiError`
carries its status in ``status`` and a string ``code``, so each controller
is wrapped: the error is left for :mod:`async_api.api.errors`, which builds
the body from it, and WSME is given an exception with the right status.
A status the controller chose for this one answer
(:func:`async_api.api.request.set_status`: a ``Prefer: wait`` answered
200 where ``status_code`` says 202) is handed to WSME, which would
otherwise set ``status_code`` over it.
"""

import functools
import inspect

import pecan
from wsme import api as wsme_api
from wsme import exc as wsme_exc
from wsmeext import pecan as wsmeext_pecan

from async_api.api import errors
from async_api.api import request


class _StatusError(wsme_exc.ClientSideError):
    """Carries an AsyncApiError's status through WSME."""


def _guard(function):
    @functools.wraps(function)
    def guarded(*args, **kwargs):
        environ = pecan.request.environ
        try:
            result = function(*args, **kwargs)
        except wsme_exc.ClientSideError:
            raise
        except Exception as fault:
            error = errors.client_error(fault)
            if error is None:
                # WSME answers 500 on its own; log it with the request id
                # that the client sees, so the two can be matched.
                errors.log_fault(environ)
                raise
            errors.remember(environ, error)
            raise _StatusError(error.detail, status_code=error.status)
        chosen = request.status()
        if chosen is not None and not isinstance(result, wsme_api.Response):
            # A 200 instead of the 202 of status_code (Prefer: wait).
            return wsme_api.Response(result, status_code=chosen)
        return result

    # WSME and Pecan read the arguments of the function they are given.
    guarded.__signature__ = inspect.signature(function)
    return guarded


def expose(*args, **kwargs):
    """Like ``wsexpose``; the arguments are the same."""
    wsexpose = wsmeext_pecan.wsexpose(*args, **kwargs)

    def decorate(function):
        exposed = wsexpose(_guard(function))
        # wsexpose copied the signature onto its own (*args, **kwargs)
        # wrapper; Pecan must see that wrapper as it is, or it takes every
        # keyword argument for a required part of the path.
        vars(exposed).pop('__signature__', None)
        return exposed

    return decorate
