"""Pagination for rows rather than objects: selects of several columns, and pages fetched with their count."""
from flask import request
from flask_sqlalchemy.pagination import Pagination, SelectPagination

from ..extensions import db

#: highest page number taken from the address bar: a larger one would overflow the database's OFFSET
MAX_PAGE = 10_000


def requested_page(name: str = "page") -> int:
    """The page number the query string asks for, kept within 1..MAX_PAGE (not a number: the first page)."""
    return min(max(request.args.get(name, 1, type=int), 1), MAX_PAGE)


class RowPagination(SelectPagination):
    """``db.paginate`` whose items are whole rows instead of scalars."""

    def _query_items(self):
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select).all())


def paginate_rows(select, page: int, per_page: int) -> RowPagination:
    return RowPagination(select=select, session=db.session(), page=page, per_page=per_page, error_out=False)


class KnownPagination(Pagination):
    """A page whose items and total the caller fetched already (e.g. in one query with a window count)."""

    def __init__(self, items, *, total: int, page: int, per_page: int):
        self._known = (list(items), total)
        super().__init__(page=page, per_page=per_page, error_out=False)

    def _query_items(self):
        return self._known[0]

    def _query_count(self):
        return self._known[1]
