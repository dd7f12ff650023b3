"""Pagination for selects of several columns (aggregates), where ``db.paginate`` would keep only the first."""
from flask_sqlalchemy.pagination import SelectPagination

from ..extensions import db


class RowPagination(SelectPagination):
    """``db.paginate`` whose items are whole rows instead of scalars."""

    def _query_items(self):
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select).all())


def paginate_rows(select, page: int, per_page: int) -> RowPagination:
    return RowPagination(select=select, session=db.session(), page=page, per_page=per_page, error_out=False)
