"""Web views behind the pickers of forms: suggestions while typing (htmx fragments).

Kept apart from views.py, whose pages these only serve.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from touchbase.core.capabilities import Capability, capability_required
from touchbase.core.requests import MemberRequest
from touchbase.relationships import selectors

# Fewer letters match half the workspace; more suggestions than this nobody reads.
MIN_QUERY_LENGTH = 2
MAX_SUGGESTIONS = 10
# The picker's text box is named after its field: account → account_query (forms.py).
ACCOUNT_QUERY = "account_query"


@capability_required(Capability.CRM_VIEW)
def account_autocomplete(request: MemberRequest) -> HttpResponse:
    """Accounts of the workspace whose name contains what was typed, as listbox options."""
    query = request.GET.get(ACCOUNT_QUERY, "").strip()[:100]
    accounts = []
    if len(query) >= MIN_QUERY_LENGTH:
        accounts = selectors.account_suggestions(
            workspace=request.workspace, query=query, limit=MAX_SUGGESTIONS + 1
        )
    context = {
        "accounts": accounts[:MAX_SUGGESTIONS],
        "has_more": len(accounts) > MAX_SUGGESTIONS,
        "query": query,
        "is_too_short": len(query) < MIN_QUERY_LENGTH,
    }
    return render(request, "relationships/partials/_account_suggestions.html", context)
