"""Absolute links to API resources, for bodies and Location headers."""

import urllib.parse

import pecan


def base_url(request=None):
    """Root URL of the API: ``[api]public_endpoint`` or the request's."""
    request = request or pecan.request
    public = request.cfg.async_api_api.public_endpoint
    return (public or request.application_url).rstrip('/')


def url(*parts, query=None, request=None):
    """The absolute URL of ``/parts...``, with an optional query."""
    href = '/'.join([base_url(request)] + [str(p).strip('/') for p in parts])
    if query:
        href += '?' + urllib.parse.urlencode(query)
    return href


def make(rel, *parts, request=None):
    """A ``{"href", "rel"}`` link as a plain dict."""
    return {'href': url(*parts, request=request), 'rel': rel}


def self_link(*parts, request=None):
    """The ``links`` of one resource.

    Only ``self``: there is no unversioned URL for a ``bookmark`` to use.
    """
    return [make('self', *parts, request=request)]
