"""A report's text from what the editor gives: pasted text, or an uploaded .txt or .html file
(HTML reduced to its article text by trafilatura)."""

import trafilatura

from claims.errors import DomainError


class UnreadableReport(DomainError):
    code = "unreadable_report"
    http_status = 400


def report_text(*, text: str = "", data: bytes | None = None, filename: str = "") -> str:
    """The report's plain text. An upload wins over pasted text; an upload that is neither
    UTF-8 text nor HTML with an article in it is refused."""
    if data is None:
        return text.replace("\r\n", "\n")
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableReport("The file is not UTF-8 text.") from error
    if filename.lower().endswith((".html", ".htm")) or decoded.lstrip()[:1] == "<":
        extracted = trafilatura.extract(decoded, include_comments=False, include_tables=False)
        if not extracted:
            raise UnreadableReport("No article text was found in the HTML file.")
        return extracted
    return decoded.replace("\r\n", "\n")
