"""Pecan controllers of the REST API."""
