"""Admin search (the changelists' box and the autocomplete widgets) that indexes can answer on
tables of millions, with Django's meaning kept: every word of the term must be found in one of
`search_fields` (quoted phrases stay whole; ^, = and @ work as in Django).

Django joins each related table a search field names (`claim__statement`) and ORs columns
across the join, which no index can serve: the evidence list read 3,000,000 rows per search.
Here a related field is a condition on the row's own key, chosen per word by how many related
rows hold it (PostgreSQL: the planner's estimate, then a read of at most PROBE_LIMIT keys):
- few: `claim_id IN (<their keys>)`, which the row's index serves and PostgreSQL ORs with the
  other fields' index scans (the trigram indexes of claims 0014 and tracker 0020);
- many (a word in most rows, "Russia"): `EXISTS (the related row holds it)`, checked on each
  row the selective words found (or walked in the list's order, where every row matches).
No join also means no duplicate rows, so no DISTINCT. Elsewhere (SQLite) `IN (subquery)`.

A field folded into a stored search column (KeepsSearchColumn.FOLDED_FIELDS: a claim's
statement, an actor's names and aliases) is searched in that column with the word folded, so
"МЕМОРАНДУМ" finds "меморандум" and "Зеленський" finds the actor whose alias it is."""

from django.contrib.admin import ModelAdmin
from django.db import connections
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q
from django.utils.text import smart_split, unescape_string_literal

from .folding import fold
from .models import KeepsSearchColumn
from .planner import planner_estimate

PREFIX_LOOKUPS = {"^": "istartswith", "=": "iexact", "@": "search"}
# Above this many related rows holding a word, its keys are not listed but checked row by row.
PROBE_LIMIT = 5_000


class KeyIn(Func):
    """`column IN (keys)`, as `column = ANY(ARRAY(SELECT unnest(<keys>)))` on PostgreSQL: one
    parameter, and a list the planner does not read element by element. An IN list of 3,700
    keys cost 30 ms of planning in each of a search's queries (count, page, dates)."""

    output_field = BooleanField()

    def __init__(self, column, keys: list[int]):
        super().__init__(column)
        self.keys = keys

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        if not self.keys:
            return "1 = 0", ()
        return f"{column} = ANY(ARRAY(SELECT unnest(%s::bigint[])))", (*params, self.keys)


def field_condition(model, path: str, lookup: str, word: str) -> Q | None:
    """`path` `lookup` `word` as a condition on `model`'s own rows; None when it holds for every
    row (a word that folds to nothing)."""
    name, _, rest = path.partition("__")
    field = model._meta.get_field(name)
    if not rest:
        if column := _folded_column(model, name, lookup):
            folded = fold(word)
            return Q(**{f"{column}__contains": folded}) if folded else None
        return Q(**{f"{name}__{lookup}": word})
    if field.many_to_many:
        return Q(**{f"{path}__{lookup}": word})  # through the join table, as Django does
    related = field.related_model
    inner = field_condition(related, rest, lookup, word)
    if inner is None:
        return None
    if field.concrete:  # a foreign key on this row: `here` holds `there`
        here, there = field.attname, field.target_field.attname
    else:  # a reverse foreign key: the related rows point here
        here, there = "pk", field.field.attname
    rows = related._default_manager.filter(inner).order_by()
    if connections[rows.db].vendor != "postgresql":
        return Q(**{f"{here}__in": rows.values(there)})
    # The planner's guess first (no rows read): a word it expects in most rows is checked per
    # row without reading its keys, which for "bench" in a million titles took 90 ms.
    checked_per_row = Q(Exists(rows.filter(**{there: OuterRef(here)})))
    if planner_estimate(rows) > PROBE_LIMIT * 4:
        return checked_per_row
    keys = list(dict.fromkeys(rows.values_list(there, flat=True)[: PROBE_LIMIT + 1]))
    if len(keys) <= PROBE_LIMIT:
        return Q(KeyIn(F(here), [key for key in keys if key is not None]))
    return checked_per_row


def _folded_column(model, name: str, lookup: str) -> str | None:
    """The stored folded column a contains-search of `name` reads instead, if one holds it."""
    if (
        issubclass(model, KeepsSearchColumn)
        and name in model.FOLDED_FIELDS
        and lookup in ("icontains", "contains")
    ):
        return model.SEARCH_COLUMN
    return None


def _split(field_name: str) -> tuple[str, str]:
    if field_name[:1] in PREFIX_LOOKUPS:
        return field_name[1:], PREFIX_LOOKUPS[field_name[0]]
    return field_name, "icontains"


def _words(search_term: str) -> list[str]:
    words = []
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit.strip():
            words.append(bit)
    return words


def search_condition(model, search_fields, search_term: str) -> tuple[Q, bool]:
    """The condition of a search, and whether it may repeat rows (only a many-to-many field's
    join can)."""
    fields = [_split(name) for name in search_fields]
    condition, may_repeat = Q(), False
    for word in _words(search_term):
        alternatives, seen = Q(), set()
        for path, lookup in fields:
            key = _column_of(model, path, lookup)
            if key in seen:  # statement and note fold into the same column
                continue
            seen.add(key)
            found = field_condition(model, path, lookup, word)
            if found is None:
                alternatives = None
                break
            alternatives |= found
            may_repeat |= _crosses_many(model, path)
        if alternatives is not None:
            condition &= alternatives
    return condition, may_repeat


def _column_of(model, path: str, lookup: str) -> tuple:
    """What a search field reads: its folded column where one holds it, else itself."""
    name, _, rest = path.partition("__")
    if rest:
        related = model._meta.get_field(name).related_model
        return (name, *_column_of(related, rest, lookup))
    if column := _folded_column(model, name, lookup):
        return (column, "folded")
    return (name, lookup)


def _crosses_many(model, path: str) -> bool:
    name, _, rest = path.partition("__")
    field = model._meta.get_field(name)
    if not rest:
        return False
    return field.many_to_many or _crosses_many(field.related_model, rest)


def indexed_search_results(model_admin: ModelAdmin, request, queryset, search_term):
    """ModelAdmin.get_search_results, for `fit_changelists` to give every admin."""
    search_fields = model_admin.get_search_fields(request)
    if not search_fields or not search_term:
        return queryset, False
    condition, may_repeat = search_condition(queryset.model, search_fields, search_term)
    return queryset.filter(condition), may_repeat
