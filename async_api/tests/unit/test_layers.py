"""The package's layers point one way (doc/source/contributor/layers.rst).

Read from the source, not from sys.modules: an import that only runs on
some path counts as much as one at the top of a module.
"""

import ast
import os

import testtools

import async_api

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(async_api.__file__)))


def _modules(top, skip=()):
    """``{dotted module name: path}`` of the Python files under ``top``."""
    found = {}
    base = os.path.join(ROOT, *top.split('.'))
    for directory, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if d != '__pycache__')
        for name in files:
            if not name.endswith('.py'):
                continue
            path = os.path.join(directory, name)
            relative = os.path.relpath(path, ROOT)[:-3].replace(os.sep, '.')
            module = relative[:-len('.__init__')] if relative.endswith(
                '.__init__') else relative
            if not any(module == s or module.startswith(s + '.')
                       for s in skip):
                found[module] = path
    return found


def _imports(path, module):
    """Every module name ``path`` imports, relative imports resolved."""
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    package = module if path.endswith('__init__.py') else (
        module.rpartition('.')[0])
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split('.')
                parts = parts[:len(parts) - node.level + 1]
                base = '.'.join(parts + ([node.module] if node.module
                                         else []))
            else:
                base = node.module
            names.add(base)
            # "from async_api.db import tasks" imports async_api.db.tasks
            names.update('%s.%s' % (base, alias.name) for alias in node.names)
    return names


def _within(name, prefixes):
    return any(name == p or name.startswith(p + '.') for p in prefixes)


LIBRARY = _modules('async_api', skip=('async_api.baremetal',
                                      'async_api.tests'))
SERVICE = dict(_modules('async_api.baremetal'), **_modules('flows'))
EXAMPLES = _modules('examples')


class TestLayers(testtools.TestCase):

    def test_the_walk_finds_the_packages(self):
        self.assertIn('async_api.db.tasks', LIBRARY)
        self.assertIn('async_api.conductor.service', LIBRARY)
        self.assertIn('async_api.baremetal.db.nodes', SERVICE)
        self.assertIn('flows.power', SERVICE)
        self.assertIn('examples.compute.flows', EXAMPLES)

    def test_library_imports_no_service_code(self):
        for module, path in LIBRARY.items():
            for name in _imports(path, module):
                self.assertFalse(
                    _within(name, ('flows', 'async_api.baremetal')),
                    '%s imports %s' % (module, name))

    def test_db_imports_nothing_above_it(self):
        for module, path in LIBRARY.items():
            if not _within(module, ('async_api.db',)):
                continue
            for name in _imports(path, module):
                if _within(name, ('async_api',)):
                    self.assertTrue(
                        _within(name, ('async_api.db', 'async_api.common')),
                        '%s imports %s' % (module, name))

    def test_service_uses_only_the_public_api(self):
        # The reference service is built as any adopter's would be: from
        # the names of async_api itself, never from its inner modules.
        # One exception: adopting a database of the first migration
        # history, which the library and the service shared, is a step of
        # this repository's own past that both take part in.
        allowed = {('async_api.baremetal.db.migration', name)
                   for name in ('async_api.db', 'async_api.db.legacy')}
        for module, path in SERVICE.items():
            for name in _imports(path, module):
                if name == 'async_api' or not _within(name, ('async_api',)):
                    continue
                if (module, name) in allowed:
                    continue
                public = name.split('.', 1)[1] in async_api.__all__
                self.assertTrue(
                    public or _within(name, ('async_api.baremetal',)),
                    '%s imports %s' % (module, name))

    def test_examples_use_only_the_public_api(self):
        # The example services import async_api and nothing below it.
        for module, path in EXAMPLES.items():
            for name in _imports(path, module):
                if _within(name, ('async_api',)):
                    self.assertTrue(
                        name == 'async_api'
                        or name.split('.', 1)[1] in async_api.__all__,
                        '%s imports %s' % (module, name))

    def test_client_imports_nothing_of_the_server_side(self):
        # Scripts and the openstack command load the client: it must not
        # pull in the database, the conductor or the web stack.
        for module, path in LIBRARY.items():
            if not _within(module, ('async_api.client',)):
                continue
            for name in _imports(path, module):
                if _within(name, ('async_api',)):
                    # "from async_api.common import states" names the
                    # package too.
                    self.assertTrue(
                        name == 'async_api.common' or _within(
                            name, ('async_api.client',
                                   'async_api.common.states')),
                        '%s imports %s' % (module, name))
