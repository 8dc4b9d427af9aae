"""Conductors: claim jobs from the jobboard, run their flows, report back.

:class:`async_api.conductor.service.ConductorService` is what a service
runs; :mod:`~async_api.conductor.listeners` writes a running flow's
progress into the task table and :mod:`~async_api.conductor.heartbeat`
keeps claims alive while their flows run.
"""
