"""Errors a user can act on: the CLI prints them as one line and exits non-zero, never a traceback."""


class UserError(Exception):
    """Bad input or an impossible request; the message says what to do."""
