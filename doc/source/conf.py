"""Sphinx configuration of the async_api documentation."""

project = 'async_api'
copyright = '2026, async_api developers'
extensions = ['sphinx.ext.autodoc']
master_doc = 'index'
exclude_patterns = []
html_theme = 'alabaster'
