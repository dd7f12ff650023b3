"""The filtered, paged audit log, as both log pages show it (all of it for admins, one training's beside it)."""
from flask import request

from ..core.pagination import requested_page
from ..extensions import db
from . import services
from .forms import AuditFilterForm

PER_PAGE = 50


def filtered_page(training_id: int | None = None):
    """(the filter form filled from the query string, the page of entries it selects), of one training's log
    when ``training_id`` is given."""
    actions, users = services.filter_choices(training_id)
    filters = AuditFilterForm(request.args, actions=actions, users=users)
    query = services.entries_query(training_id, action=filters.action.data or None,
                                   user_id=filters.user_id.data)
    page = db.paginate(query, page=requested_page(), per_page=PER_PAGE, error_out=False)
    return filters, page
