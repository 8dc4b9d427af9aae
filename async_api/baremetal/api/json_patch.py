"""RFC 6902 JSON patch: ``add``, ``remove``, ``replace`` and ``test``.

Paths are RFC 6901 JSON pointers into nested objects and arrays. The
document is copied first, so a patch that fails part-way changes nothing.
``move`` and ``copy`` are not supported: nothing in this API needs them.
"""

import copy

import async_api


OPERATIONS = ('add', 'remove', 'replace', 'test')
_MISSING = object()


def _invalid(message, *args):
    return async_api.exception.InvalidParameter(
        'Invalid JSON patch: ' + message % args)


def parse_pointer(path):
    """The unescaped segments of a JSON pointer (the root is refused)."""
    if not isinstance(path, str) or not path.startswith('/'):
        raise _invalid('path %r is not a JSON pointer below the root', path)
    return [segment.replace('~1', '/').replace('~0', '~')
            for segment in path[1:].split('/')]


def _index(container, segment, path, appending=False):
    if appending and segment == '-':
        return len(container)
    if not segment.isdigit() or (segment != '0' and segment[0] == '0'):
        raise _invalid('%s: %r is not an array index', path, segment)
    index = int(segment)
    if index > len(container) or (index == len(container) and
                                  not appending):
        raise _invalid('%s: index %d is out of range', path, index)
    return index


def _parent(document, segments, path):
    current = document
    for segment in segments[:-1]:
        if isinstance(current, dict) and segment in current:
            current = current[segment]
        elif isinstance(current, list):
            current = current[_index(current, segment, path)]
        else:
            raise _invalid('%s does not exist', path)
    if not isinstance(current, (dict, list)):
        raise _invalid('%s does not exist', path)
    return current


def _get(container, segment, path):
    if isinstance(container, dict):
        if segment not in container:
            raise _invalid('%s does not exist', path)
        return container[segment]
    return container[_index(container, segment, path)]


def _same(left, right):
    # JSON tells true from 1, Python does not.
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(
            _same(left[key], right[key]) for key in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(
            _same(a, b) for a, b in zip(left, right))
    return left == right


def _apply_one(document, operation):
    op = operation.get('op')
    path = operation.get('path')
    value = operation.get('value', _MISSING)
    if op not in OPERATIONS:
        raise _invalid('operation %r is not one of %s', op,
                       ', '.join(OPERATIONS))
    if op != 'remove' and value is _MISSING:
        raise _invalid('%s %s needs a value', op, path)
    segments = parse_pointer(path)
    if op == 'test' and async_api.masking.is_secret_path(segments):
        # A test of a secret would answer whether a guess is right.
        raise _invalid('test of %s is not allowed: the value is secret',
                       path)
    parent = _parent(document, segments, path)
    last = segments[-1]
    if op == 'test':
        if not _same(_get(parent, last, path), value):
            raise _invalid('test of %s failed', path)
    elif op == 'remove':
        _get(parent, last, path)
        if isinstance(parent, dict):
            del parent[last]
        else:
            del parent[_index(parent, last, path)]
    elif op == 'replace':
        _get(parent, last, path)
        if isinstance(parent, dict):
            parent[last] = value
        else:
            parent[_index(parent, last, path)] = value
    elif isinstance(parent, dict):
        parent[last] = value
    else:
        parent.insert(_index(parent, last, path, appending=True), value)


def apply(document, operations):
    """A patched deep copy of ``document``; the original is untouched.

    :param operations: a list of ``{"op", "path"[, "value"]}`` dicts.
    :raises InvalidParameter: the patch is malformed or does not apply.
    """
    document = copy.deepcopy(document)
    for operation in operations:
        _apply_one(document, operation)
    return document
