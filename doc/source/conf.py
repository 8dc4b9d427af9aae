"""Sphinx configuration of the async_api documentation."""

import os
import sys

# Local extensions: the API reference page, rendered from the served
# OpenAPI document, and the notification samples.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '_ext'))

project = 'async_api'
copyright = '2026, async_api developers'
extensions = ['sphinx.ext.autodoc', 'openapi_reference',
              'notification_samples']
master_doc = 'index'
exclude_patterns = []
html_theme = 'alabaster'
