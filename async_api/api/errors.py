"""API-SIG error bodies for every error response.

Errors reach the client from several places: an
:class:`~async_api.common.exception.AsyncApiError` raised in a controller,
WSME rejecting a body or a query argument, Pecan finding no route or no
method, and faults nobody expected. :class:`ErrorMiddleware` wraps the
whole application and rewrites each of them into one shape::

    {"errors": [{"request_id": ..., "code": ..., "status": ...,
                 "title": ..., "detail": ...}]}

A fault's own message and traceback stay in the server log, under the same
request id as the response.
"""

import http.client
import json

from oslo_log import log
from oslo_middleware import request_id as request_id_mw

from async_api.common import exception
from async_api.common import outages

LOG = log.getLogger(__name__)

# Where a controller leaves the AsyncApiError it raised, because WSME turns
# exceptions into a status and a string before the middleware sees them.
ENV_ERROR = 'async_api.error'

_CODES = {
    400: 'invalid_parameter',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not_found',
    405: 'method_not_allowed',
    406: 'not_acceptable',
    408: 'request_timeout',
    409: 'conflict',
    413: 'request_too_large',
    415: 'unsupported_media_type',
    500: 'internal_error',
    503: 'service_unavailable',
}

_FAULT_DETAIL = ('The server failed to handle the request; quote the '
                 'request id %s to its operator.')


def remember(environ, error):
    """Keep ``error`` for the middleware, which builds the body from it."""
    environ[ENV_ERROR] = error


def request_id(environ):
    """The request id oslo.middleware's RequestId gave this request."""
    return environ.get(request_id_mw.ENV_REQUEST_ID)


def log_fault(environ):
    """Log the exception being handled with this request's id."""
    LOG.exception('Unexpected error handling %(method)s %(path)s '
                  '(request %(req)s)',
                  {'method': environ.get('REQUEST_METHOD'),
                   'path': environ.get('PATH_INFO'),
                   'req': request_id(environ)})


def unavailable(error):
    """A :class:`ServiceUnavailable` for an outage ``error``, else None."""
    # The request did not happen, and may be retried, which is what 503
    # says; a 500 would blame the request.
    if outages.is_outage(error):
        LOG.warning('A backend is unavailable: %s', error)
        return exception.ServiceUnavailable(
            'A backend of the service (database or jobboard) cannot be '
            'reached; nothing was changed. Retry later.')
    return None


def client_error(fault):
    """The error a client is answered for ``fault``, or None for a fault.

    An :class:`~async_api.common.exception.AsyncApiError` as it is; an
    outage as a 503 (:func:`unavailable`); anything else is a fault,
    which the caller logs (:func:`log_fault`) and lets become a 500.
    """
    if isinstance(fault, exception.AsyncApiError):
        return fault
    return unavailable(fault)


def code_for(status):
    """The API's error code for an HTTP ``status``, or None if it has none.

    For errors answered outside the application (by the HTTP server), so
    that a 413 carries the same code whoever answers it.
    """
    return _CODES.get(status)


def body(environ, status, detail=None, code=None, title=None):
    """The API-SIG error document, as bytes."""
    title = title or http.client.responses.get(status, 'Error')
    error = {
        'request_id': request_id(environ),
        'code': code or _CODES.get(status, 'error'),
        'status': status,
        'title': title,
        'detail': detail or title,
    }
    return json.dumps({'errors': [error]}).encode('utf-8')


def _detail_from(raw):
    """The client-safe message inside a WSME fault or a Pecan page."""
    try:
        document = json.loads(raw)
    except ValueError:
        # Pecan/WebOb HTML pages say nothing the title does not.
        return None
    if isinstance(document, dict):
        fault = document.get('faultstring')
        if isinstance(fault, str):
            return fault
    return None


class ErrorMiddleware:
    """Rewrite every 4xx/5xx response into an API-SIG error body."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        captured = {}

        def capture(status, headers, exc_info=None):
            code = int(status.split(' ', 1)[0])
            if code < 400:
                return start_response(status, headers, exc_info)
            captured['status'] = code
            captured['headers'] = headers
            # The body is replaced, so nothing may be written through the
            # writer WSGI hands back.
            return lambda data: None

        try:
            chunks = self.app(environ, capture)
            if 'status' not in captured:
                return chunks
            try:
                raw = b''.join(chunks)
            finally:
                if hasattr(chunks, 'close'):
                    chunks.close()
        except exception.AsyncApiError as error:
            # Raised outside WSME (plain Pecan controllers, hooks).
            remember(environ, error)
            captured = {'status': error.status, 'headers': []}
            raw = b''
        except Exception as fault:
            outage = unavailable(fault)
            if outage is None:
                log_fault(environ)
                captured = {'status': 500, 'headers': []}
            else:
                remember(environ, outage)
                captured = {'status': outage.status, 'headers': []}
            raw = b''
        status = captured['status']
        document = self._document(environ, status, raw)
        headers = [(name, value) for name, value in captured['headers']
                   if name.lower() not in ('content-type', 'content-length')]
        headers += [('Content-Type', 'application/json'),
                    ('Content-Length', str(len(document)))]
        error = environ.get(ENV_ERROR)
        if error is not None and getattr(error, 'status', None) == status:
            headers += error.headers
        reason = http.client.responses.get(status, 'Error')
        start_response('%d %s' % (status, reason), headers)
        if environ.get('REQUEST_METHOD') == 'HEAD':
            return [b'']
        return [document]

    @staticmethod
    def _document(environ, status, raw):
        error = environ.get(ENV_ERROR)
        if error is not None and getattr(error, 'status', None) == status:
            return body(environ, status, error.detail, error.code,
                        error.title)
        if status >= 500:
            # Whatever the fault said may hold internals: it is in the log.
            return body(environ, status,
                        _FAULT_DETAIL % request_id(environ))
        return body(environ, status, _detail_from(raw))
