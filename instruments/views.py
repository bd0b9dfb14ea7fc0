from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from evaluations.access import Action, can, require
from instruments import selectors
from instruments.models import InstrumentSet
from instruments.validation import validate_instrument_set


def instrument_set_list(request: HttpRequest, region: str) -> HttpResponse:
    require(request.user, Action.VIEW_REGION, request.region)
    return render(
        request,
        "instruments/set_list.html",
        {
            "instrument_sets": selectors.instrument_set_list(),
            "can_manage": can(request.user, Action.MANAGE_REGION, request.region),
        },
    )


def instrument_set_detail(request: HttpRequest, region: str, pk: int) -> HttpResponse:
    require(request.user, Action.VIEW_REGION, request.region)
    try:
        instrument_set = selectors.instrument_set_tree(pk=pk)
    except InstrumentSet.DoesNotExist:
        raise Http404 from None
    findings = validate_instrument_set(instrument_set)
    return render(
        request,
        "instruments/set_detail.html",
        {
            "instrument_set": instrument_set,
            "errors": [f for f in findings if f.is_error],
            "warnings": [f for f in findings if not f.is_error],
            "can_manage": can(request.user, Action.MANAGE_REGION, request.region),
        },
    )
