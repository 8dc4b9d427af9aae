"""Sphinx configuration of the async_api documentation."""

project = 'async_api'
copyright = '2026, async_api developers'
extensions = ['sphinx.ext.autodoc']
master_doc = 'index'
exclude_patterns = []
html_theme = 'alabaster'


def _drop_type_docstrings(app, what, name, obj, options, lines):
    # A module-level value exported by async_api (PECAN_CONFIG, a dict)
    # has no docstring of its own: autodoc would show its type's.
    import inspect
    if what == 'data' and not inspect.ismodule(obj):
        own = inspect.cleandoc(type(obj).__doc__ or '')
        if own and '\n'.join(lines).strip() == own.strip():
            lines[:] = []


def setup(app):
    app.connect('autodoc-process-docstring', _drop_type_docstrings)
