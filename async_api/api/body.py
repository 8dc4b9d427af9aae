"""Request bodies are JSON, bounded, and well formed, or nothing happens.

:class:`JsonBodyMiddleware` checks every body of a ``POST``, ``PUT`` or
``PATCH`` before any controller, middleware or WSME parser reads it, so
that a malformed one is a 4xx API-SIG error that stores nothing, never a
500 from deep inside a parser or a database driver:

* a body of another media type than JSON is ``415``: the API speaks
  JSON only (WSME would also parse XML);
* a body over ``[async_api_api]max_request_body_size`` is ``413``, read
  no further than the limit (the one body limit of the stack: there is
  no oslo.middleware ``sizelimit`` besides);
* a body that stops arriving before its ``Content-Length`` is ``408``
  when the server bounds reads with a timeout;
* a body that is not UTF-8 JSON, holds a lone surrogate (``"\\ud800"``,
  valid JSON that no database can store), nests deeper than
  ``[async_api_api]max_json_depth``, or is not an object (an array for
  ``PATCH``, RFC 6902) is ``400``.

The body is put back, unchanged, for whatever reads it next. The body
of another method (``GET``, ``DELETE``) is dropped unread, and so is the
``Content-Type`` of a request without a body.
"""

import io
import json

from async_api.common import exception

_METHODS = frozenset(('POST', 'PUT', 'PATCH'))
#: Set in the environ once the body is checked (or dropped): nothing
#: downstream needs to guard its decoding (see
#: :mod:`async_api.api.pecan_request`).
ENV_CHECKED = 'async_api.body_checked'
_JSON_TYPES = ('application/json',)


def _media_type(environ):
    return environ.get('CONTENT_TYPE', '').split(';', 1)[0].strip().lower()


def _read(environ, limit):
    try:
        length = int(environ.get('CONTENT_LENGTH') or 0)
    except ValueError:
        raise exception.InvalidParameter('Content-Length is not a number')
    if length > limit:
        raise exception.RequestTooLarge(
            'The request body is %d bytes; the limit is %d'
            % (length, limit))
    if length <= 0:
        return b''
    try:
        return environ['wsgi.input'].read(length)
    except TimeoutError:
        # A server that lets the app read from the socket may bound each
        # read with a timeout: a client that stops halfway through its
        # body is answered, not waited for.
        raise exception.RequestTimeout(
            'The request body did not arrive in time')


def _depth_and_strings(document):
    """The nesting depth of ``document`` and each of its strings, without
    recursion (a body may be built to overflow the stack)."""
    deepest = 0
    strings = []
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            deepest = max(deepest, depth)
            strings.extend(value)
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            deepest = max(deepest, depth)
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            strings.append(value)
    return deepest, strings


def check(environ, raw, max_depth):
    """Raise unless ``raw`` is a JSON body the API accepts."""
    if _media_type(environ) not in _JSON_TYPES:
        raise exception.UnsupportedMediaType(
            'Request bodies must be application/json, not %s'
            % (_media_type(environ) or 'untyped'))
    try:
        document = json.loads(raw.decode('utf-8'))
    except UnicodeDecodeError:
        raise exception.InvalidParameter('The body is not UTF-8')
    except RecursionError:
        raise exception.InvalidParameter(
            'The body nests deeper than %d levels' % max_depth)
    except ValueError as e:
        raise exception.InvalidParameter('The body is not JSON: %s' % e)
    wanted = list if environ['REQUEST_METHOD'] == 'PATCH' else dict
    if not isinstance(document, wanted):
        raise exception.InvalidParameter(
            'The body must be a JSON %s' % (
                'array of patch operations' if wanted is list
                else 'object'))
    depth, strings = _depth_and_strings(document)
    if depth > max_depth:
        raise exception.InvalidParameter(
            'The body nests deeper than %d levels' % max_depth)
    for value in strings:
        try:
            value.encode('utf-8')
        except UnicodeEncodeError:
            raise exception.InvalidParameter(
                'The body holds a string that is not valid Unicode (a '
                'lone surrogate)')


class JsonBodyMiddleware:
    """Check request bodies before anything reads them (see above)."""

    def __init__(self, app, conf):
        self.app = app
        self.conf = conf

    def __call__(self, environ, start_response):
        raw = b''
        if environ.get('REQUEST_METHOD') in _METHODS:
            options = self.conf.async_api_api
            raw = _read(environ, options.max_request_body_size)
            if raw:
                check(environ, raw, options.max_json_depth)
        # Other methods' bodies mean nothing here and are dropped unread.
        # Without a body, a Content-Type describes nothing, and dropping
        # it keeps WebOb from parsing a "form" (a multipart type without
        # a boundary was a 500).
        environ['wsgi.input'] = io.BytesIO(raw)
        environ['CONTENT_LENGTH'] = str(len(raw))
        if not raw:
            environ.pop('CONTENT_TYPE', None)
        environ[ENV_CHECKED] = True
        return self.app(environ, start_response)
