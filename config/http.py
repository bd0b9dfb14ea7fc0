"""Small request helpers shared by the apps' views."""

from django.http import HttpRequest, QueryDict


def posted_data(request: HttpRequest) -> QueryDict | None:
    """The submitted data of a POST, even an empty one (so a form shows what is missing, or
    saves "nothing chosen"); None for any other method, which leaves the form unbound."""
    return request.POST if request.method == "POST" else None
