"""The change feed's and the webhooks' refusals (claims.errors.DomainError, so the API's one
handler and the admin show them as every other refusal)."""

from claims.errors import DomainError


class BadCursor(DomainError):
    code = "bad_cursor"
    http_status = 400


class CursorExpired(DomainError):
    """The cursor points before what the feed still keeps: entries after it were purged."""

    code = "cursor_expired"
    http_status = 410

    def __init__(self, message: str, *, resync_from: str):
        self.resync_from = resync_from
        super().__init__(message)

    def details(self) -> dict:
        return {"resync_from": self.resync_from}


class TargetRefused(DomainError):
    code = "target_refused"
    http_status = 400

    def __init__(self, message: str):
        super().__init__(message, field_errors={"target_url": [message]})
