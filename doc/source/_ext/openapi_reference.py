"""``.. openapi-reference::``: the served OpenAPI document as RST.

Renders the document the reference service serves at
``GET /v1/openapi.json`` (:func:`async_api.baremetal.api.openapi.
document`): one section per operation, grouped by tag, then the schemas.
The page is built from the document itself, so it cannot drift from it.
"""

import json

from docutils import statemachine
from docutils.parsers.rst import Directive
from sphinx.util import nodes as sphinx_nodes

_METHODS = ('get', 'post', 'put', 'patch', 'delete')
_REF = '#/components/'


def _resolve(document, item):
    while isinstance(item, dict) and '$ref' in item:
        kind, name = item['$ref'][len(_REF):].split('/', 1)
        item = document['components'][kind][name]
    return item


def _ref_name(item):
    if isinstance(item, dict) and '$ref' in item:
        return item['$ref'].rsplit('/', 1)[-1]
    return None


def _type(schema):
    name = _ref_name(schema)
    if name:
        return ':ref:`%s <openapi-schema-%s>`' % (name, name.lower())
    if 'enum' in schema:
        return 'one of %s' % ', '.join('``%s``' % v for v in schema['enum'])
    kind = schema.get('type', 'any')
    if isinstance(kind, list):
        kind = ' or '.join(kind)
    return kind


def _oneline(text):
    return ' '.join((text or '').split())


def _title(text, char):
    return [text, char * len(text), '']


def _operation(document, path, method, operation, shared):
    lines = _title('%s %s' % (method.upper(), path), '~')
    lines += [_oneline(operation.get('summary')), '']
    if operation.get('description'):
        lines += [_oneline(operation['description']), '']
    parameters = [_resolve(document, p) for p in
                  shared + operation.get('parameters', [])]
    if parameters:
        lines += ['.. list-table:: Parameters', '   :header-rows: 1', '',
                  '   * - Name', '     - In', '     - Type',
                  '     - Description']
        for p in parameters:
            lines += ['   * - ``%s``%s' % (p['name'], ' (required)'
                                           if p.get('required') else ''),
                      '     - %s' % p['in'],
                      '     - %s' % _type(p.get('schema', {})),
                      '     - %s' % (_oneline(p.get('description')) or '-')]
        lines.append('')
    body = operation.get('requestBody')
    if body:
        schema = body['content']['application/json']['schema']
        lines += ['Request body (``application/json``):', '',
                  '.. code-block:: json', '']
        lines += ['   ' + line for line in
                  json.dumps(schema, indent=2).splitlines()]
        lines.append('')
    lines += ['Responses:', '']
    for status, response in sorted(operation['responses'].items()):
        resolved = _resolve(document, response)
        text = '* ``%s``: %s' % (status, _oneline(resolved['description']))
        content = resolved.get('content', {}).get('application/json')
        if content:
            text += ' Body: %s.' % _type(content['schema'])
        lines.append(text)
    lines.append('')
    return lines


def render(document):
    """The RST lines of ``document``."""
    lines = []
    by_tag = {}
    for path, item in document['paths'].items():
        for method in _METHODS:
            if method in item:
                tag = item[method].get('tags', ['other'])[0]
                by_tag.setdefault(tag, []).append((path, method, item))
    tags = [t['name'] for t in document.get('tags', [])]
    for tag in tags + sorted(set(by_tag) - set(tags)):
        if tag not in by_tag:
            continue
        lines += _title(tag.capitalize(), '-')
        for path, method, item in by_tag[tag]:
            lines += _operation(document, path, method, item[method],
                                item.get('parameters', []))
    lines += _title('Schemas', '-')
    for name, schema in sorted(document['components']['schemas'].items()):
        lines += ['.. _openapi-schema-%s:' % name.lower(), '']
        lines += _title(name, '~')
        if schema.get('description'):
            lines += [_oneline(schema['description']), '']
        lines += ['.. code-block:: json', '']
        lines += ['   ' + line for line in
                  json.dumps(schema, indent=2).splitlines()]
        lines.append('')
    return lines


class OpenApiReference(Directive):
    """Insert the rendered document here."""

    def run(self):
        from async_api.baremetal.api import openapi
        lines = render(openapi.document())
        source = self.state_machine.input_lines.source(
            self.lineno - self.state_machine.input_offset - 1)
        content = statemachine.ViewList(lines, source=source)
        node = sphinx_nodes.nodes.section()
        node.document = self.state.document
        sphinx_nodes.nested_parse_with_titles(self.state, content, node)
        return node.children


def setup(app):
    app.add_directive('openapi-reference', OpenApiReference)
    return {'parallel_read_safe': True, 'version': '1'}
