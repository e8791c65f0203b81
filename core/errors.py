"""Domain errors: raised by services, shown by views on the same page as the user's input."""


class DomainError(Exception):
    """A rule of the domain said no. The message is Chinese and tells the user what to do."""

    status = 400  # what a JSON view answers with it (a body too large says 413)

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(Exception):
    """Missing and forbidden look alike, so nobody can probe for other subjects' records.

    Not a DomainError: it is answered with a 404 page (registry's subject_required, the
    back-office's staff_required), never with a message beside the input, so the views'
    `except DomainError` lets it through. A view that means otherwise catches it by name."""

    def __init__(self, message: str = "未找到该记录，或您无权查看。") -> None:
        super().__init__(message)
        self.message = message


class StateError(DomainError):
    """An action that the current state of the object does not allow."""


class IncompleteError(DomainError):
    """Required fields are empty; carries their labels so a page can mark them."""

    def __init__(self, message: str, *, fields: list[str]) -> None:
        super().__init__(message)
        self.fields = fields


class ConflictError(DomainError):
    """Somebody else saved the same draft first (another tab or another person).

    Carries what is saved now, so the page can show how the user's input differs from it and
    let a deliberate second save win.
    """

    def __init__(self, message: str, *, current_revision: int, saved_data: dict) -> None:
        super().__init__(message)
        self.current_revision = current_revision
        self.saved_data = saved_data
