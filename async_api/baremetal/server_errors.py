"""The API-SIG body of an error the HTTP server answers itself.

A request the server cannot parse (a bad request line, a URI or headers
over its limits) never reaches the application, so its answer is the
server's own; both servers are told to answer with this document, like
every other error of the API.
"""

import async_api


def document(status, reason, detail=None):
    """The JSON error document for ``status``, as bytes."""
    # The application's code where it has one (a 413 is request_too_large
    # whether the server or the application refuses the body).
    code = (async_api.errors.code_for(status)
            or reason.lower().replace(' ', '_'))
    # No request id: the request was never parsed far enough to get one.
    return async_api.errors.body({}, status, detail or reason, code=code,
                                 title=reason)
