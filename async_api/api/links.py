"""Absolute links to API resources, for bodies and Location headers."""

import urllib.parse

import pecan

from async_api.api import request as api_request


def base_url(request=None):
    """Root URL of the API: ``[async_api_api]public_endpoint`` or the
    request's."""
    request = request or pecan.request
    conf = getattr(request, 'cfg', None) or api_request.conf()
    public = conf.async_api_api.public_endpoint
    return (public or request.application_url).rstrip('/')


def url(*parts, query=None, request=None):
    """The absolute URL of ``/parts...``, with an optional query."""
    href = '/'.join([base_url(request)] + [str(p).strip('/') for p in parts])
    if query:
        href += '?' + urllib.parse.urlencode(query)
    return href


def make(rel, *parts, request=None):
    """A ``{"href", "rel"}`` link as a plain dict."""
    return link(rel, url(*parts, request=request))


def link(rel, href):
    """A ``{"href", "rel"}`` link to ``href``."""
    return {'href': href, 'rel': rel}


def self_link(*parts, request=None):
    """The ``links`` of one resource.

    Only ``self``: there is no unversioned URL for a ``bookmark`` to use.
    """
    return [make('self', *parts, request=request)]


def task_url(task_uuid, *parts):
    """The URL of a task (or of ``parts`` below it), wherever the
    service serves its tasks (:func:`async_api.api.request.tasks_path`).
    """
    return url(api_request.tasks_path(), task_uuid, *parts)
