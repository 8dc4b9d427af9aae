"""Operation flows.

One module per operation family. Flow factories live at stable module-level
import paths because jobs that are in flight re-import them by name when a
conductor resumes them.
"""
