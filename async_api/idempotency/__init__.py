"""Idempotency keys: a retried request never starts a second operation."""
