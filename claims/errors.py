"""The one base of every refusal the domain makes. A refusal carries a machine code, the HTTP
status an API answers it with, a message a person can read (labels, never raw codes) and,
where a field is to blame, messages per field. Views and the admin show it; nothing is saved."""


class DomainError(Exception):
    code = "refused"
    http_status = 409

    def __init__(self, message: str = "", *, field_errors: dict[str, list[str]] | None = None):
        self.field_errors = field_errors or {}
        super().__init__(message or " ".join(m for ms in self.field_errors.values() for m in ms))

    def details(self) -> dict:
        """What a client needs beside the message to act on the refusal: by default each field
        with its messages (a refusal of the whole as `non_field_errors`, as a form would)."""
        return {
            ("non_field_errors" if name == "__all__" else name): list(messages)
            for name, messages in self.field_errors.items()
        }
