"""WSME types: the JSON bodies the API accepts and returns."""
