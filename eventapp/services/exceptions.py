class DomainError(Exception):
    """A rule of the domain refused an action; the message is shown to the user as it is.

    `field` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    pass


class NotAllowed(DomainError):
    pass
