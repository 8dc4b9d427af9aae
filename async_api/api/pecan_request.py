"""The request class of the library's Pecan apps (``request_cls``).

Pecan's own request class wraps every attribute read in a ``try`` so
that a URL, a cookie or a body that is not UTF-8 answers 400 instead of
raising ``UnicodeDecodeError`` wherever WebOb first decodes it. An
accept makes some 250 such reads (WebOb's properties read ``environ``
through it too): measured in turns in one process, about 6 % of an
accept's CPU (1 to 14 % in three runs).

:class:`URLCheck`, one of the library's middlewares (see
:func:`async_api.api.app.wrap`), answers 400 for a path or query string
that is not UTF-8 once unquoted, before anything reads it (Pecan's class
answered 400 too, after logging a traceback at ERROR for each such
request). :func:`request` gives Pecan a class without the guard for a
request whose URL that middleware checked, with no cookie (the API reads
none), and whose body :class:`~async_api.api.body.JsonBodyMiddleware`
checked (valid UTF-8 JSON, or dropped); any other request gets Pecan's
class and its guard.
"""

from urllib import parse

from pecan import core
import webob

from async_api.api import body
from async_api.common import exception

#: Set in the environ by :class:`URLCheck`.
ENV_URL_CHECKED = 'async_api.url_checked'


class Request(core.Request):
    """Pecan's request without the per-attribute guard (see above)."""

    __getattribute__ = webob.Request.__getattribute__


def _url_is_utf8(environ):
    try:
        # PEP 3333: the server gives each value as latin-1 text of its
        # bytes.
        for key in ('SCRIPT_NAME', 'PATH_INFO'):
            environ.get(key, '').encode('latin-1').decode('utf-8')
        # WebOb splits the query at "&", ";" and "=" before it unquotes
        # and decodes each part; UTF-8 sequences hold no ASCII byte, so
        # the whole string decodes exactly when every part does.
        parse.unquote_to_bytes(environ.get('QUERY_STRING', '')).decode(
            'utf-8')
    except UnicodeError:
        return False
    return True


class URLCheck:
    """A URL that is not UTF-8 is a 400 before anything reads it."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if not _url_is_utf8(environ):
            raise exception.InvalidParameter(
                'The URL is not UTF-8 once its %-escapes are decoded')
        environ[ENV_URL_CHECKED] = True
        return self.app(environ, start_response)


def request(environ):
    """The request Pecan serves ``environ`` with (``request_cls``)."""
    if (environ.get(ENV_URL_CHECKED) and environ.get(body.ENV_CHECKED)
            and 'HTTP_COOKIE' not in environ):
        return Request(environ)
    return core.Request(environ)
