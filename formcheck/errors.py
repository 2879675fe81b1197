"""Errors that carry a message meant for the user, shown as one line (CLI exit code 2)."""


class FormcheckError(Exception):
    """Base for problems the user can act on; ``str(err)`` is the whole message."""


class InputError(FormcheckError):
    """The input file or an argument cannot be used."""


class ModelError(FormcheckError):
    """A pose model file is missing or does not match its recorded checksum."""


class PoseWorkerError(FormcheckError):
    """A pose process died or failed while analysing a video (the caller stops; nothing is written)."""
