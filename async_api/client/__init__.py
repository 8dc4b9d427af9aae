"""A client of any async_api service's HTTP API: tasks, actions, waiting.

Small on purpose: it needs keystoneauth1 and nothing of the server side,
so services, scripts and command-line plugins can submit an action and
wait for its task without importing oslo.db, TaskFlow or Pecan. The
public names are in :mod:`async_api` (``TaskClient``,
``client_session``, ``ClientError``, ``WaitTimeout``,
``progress_reporter``).
"""
