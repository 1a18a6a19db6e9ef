"""Text folded for search: case and accents removed in every script, so "Меморандум" finds
"меморандум" and "Zelenskyy" finds "ZELENSKYY" on SQLite as on PostgreSQL (SQLite's LIKE folds
ASCII only, and PostgreSQL's lower() depends on the database's locale)."""

import unicodedata


def fold(text: str) -> str:
    """`text` case-folded, without combining marks (é → e, й → и, ї → і), spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def fold_names(names) -> str:
    """Names folded one a line, with a line break before the first and after the last, so an
    exact name is found with `__contains="\\n" + fold(name) + "\\n"` on any database."""
    folded = [fold(name) for name in names if name and name.strip()]
    return "\n" + "\n".join(dict.fromkeys(folded)) + "\n" if folded else ""
