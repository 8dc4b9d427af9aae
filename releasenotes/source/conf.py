"""Sphinx configuration of the async_api release notes."""

project = 'async_api Release Notes'
copyright = '2026, async_api developers'
extensions = ['reno.sphinxext']
master_doc = 'index'
html_theme = 'alabaster'
