"""Sphinx configuration of the async_api documentation."""

import os
import sys

# The API reference page is rendered from the served OpenAPI document.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '_ext'))

project = 'async_api'
copyright = '2026, async_api developers'
extensions = ['sphinx.ext.autodoc', 'openapi_reference']
master_doc = 'index'
exclude_patterns = []
html_theme = 'alabaster'
