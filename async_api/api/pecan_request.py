"""The request class of the library's Pecan apps (``request_cls``).

Pecan's own request class wraps every attribute read in a ``try`` so
that a URL, a cookie or a body that is not UTF-8 answers 400 instead of
raising ``UnicodeDecodeError`` wherever WebOb first decodes it. An
accept makes some 250 such reads (WebOb's properties read ``environ``
through it too): measured in turns in one process, about 6 % of an
accept's CPU (1 to 14 % in three runs).

:func:`request` checks once, when Pecan builds the request, what WebOb
would decode: the path and the query string must be UTF-8 once
unquoted, there must be no cookie (the API reads none), and the body
must have been checked by :class:`~async_api.api.body.JsonBodyMiddleware`
(valid UTF-8 JSON, or dropped). Such a request gets a class without the
guard; any other gets Pecan's, and so the same 400 as before.
"""

from urllib import parse

from pecan import core
import webob

from async_api.api import body


class Request(core.Request):
    """Pecan's request without the per-attribute guard (see above)."""

    __getattribute__ = webob.Request.__getattribute__


def _utf8(environ, key):
    # PEP 3333: the server gives each value as latin-1 text of its bytes.
    try:
        environ.get(key, '').encode('latin-1').decode('utf-8')
    except UnicodeError:
        return False
    return True


def _query_utf8(environ):
    # WebOb splits at "&", ";" and "=" before it unquotes and decodes
    # each part; UTF-8 sequences hold no ASCII byte, so the whole string
    # decodes exactly when every part does.
    try:
        parse.unquote_to_bytes(environ.get('QUERY_STRING', '')).decode(
            'utf-8')
    except UnicodeError:
        return False
    return True


def request(environ):
    """The request Pecan serves ``environ`` with (``request_cls``)."""
    if (environ.get(body.ENV_CHECKED) and 'HTTP_COOKIE' not in environ
            and _utf8(environ, 'PATH_INFO') and _utf8(environ, 'SCRIPT_NAME')
            and _query_utf8(environ)):
        return Request(environ)
    return core.Request(environ)
