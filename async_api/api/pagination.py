"""Query arguments shared by collections: limit, marker, sort, next."""

from async_api.api import links
from async_api.api import request
from async_api.common import exception

SORT_DIRS = ('asc', 'desc')


def limit(requested):
    """The page size: ``requested``, capped by
    ``[async_api_api]max_limit``."""
    max_limit = request.conf().async_api_api.max_limit
    if requested is None:
        return max_limit
    if requested <= 0:
        raise exception.InvalidParameter(
            'limit must be a positive integer, not %s' % requested)
    return min(requested, max_limit)


def sort_dir(value):
    """``value`` if it is a sort direction; 400 otherwise."""
    if value not in SORT_DIRS:
        raise exception.InvalidParameter(
            'sort_dir must be one of %s, not %s'
            % (', '.join(SORT_DIRS), value))
    return value


def next_url(items, page_size, *parts, query=None):
    """URL of the next page, or None when ``items`` is the last one.

    A page shorter than ``page_size`` is the last; a full one may be
    followed by an empty page, which is cheaper than counting.
    """
    if not items or len(items) < page_size:
        return None
    query = {key: value for key, value in (query or {}).items()
             if value is not None}
    query['limit'] = page_size
    query['marker'] = items[-1].uuid
    return links.url(*parts, query=query)
