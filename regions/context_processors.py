from django.http import HttpRequest


def region(request: HttpRequest) -> dict:
    memberships = getattr(request, "memberships", [])
    return {
        "region": getattr(request, "region", None),
        "roles": {membership.role for membership in memberships},
    }
