"""Small request helpers shared by the apps' views."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.http import HttpRequest, QueryDict


def posted_data(request: HttpRequest) -> QueryDict | None:
    """The submitted data of a POST, even an empty one (so a form shows what is missing, or
    saves "nothing chosen"); None for any other method, which leaves the form unbound."""
    return request.POST if request.method == "POST" else None


MAX_LISTED_PROBLEMS = 200


@dataclass(frozen=True)
class ProblemList:
    """The problems of a refused upload as a page lists them: the first `limit`, and how
    many there are in all (a file of 150,000 bad rows must not become 150,000 lines)."""

    shown: list[str]
    total: int

    @property
    def hidden(self) -> int:
        return self.total - len(self.shown)

    def __bool__(self) -> bool:
        return self.total > 0


def problem_list(messages: Sequence[str], *, limit: int = MAX_LISTED_PROBLEMS) -> ProblemList:
    """The first `limit` of `messages`, with their total, for an error page."""
    return ProblemList(shown=list(messages[:limit]), total=len(messages))
