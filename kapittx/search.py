"""What a member typed into a search box, read so that every database can take it."""

from django.core.exceptions import BadRequest
from django.http import HttpRequest

#: Searches are names, numbers and addresses: longer text is cut.
MAX_SEARCH = 200


def search_text(request: HttpRequest, name: str = "q") -> str:
    """Return the search ``name`` of the query string, stripped and cut to ``MAX_SEARCH``.

    Raise ``BadRequest`` (a 400) for a NUL character: PostgreSQL refuses it in any text, so
    it could only ever fail, and SQLite is held to the same answer.
    """
    text = request.GET.get(name, "")
    if "\x00" in text:
        raise BadRequest("A search cannot contain a NUL character.")
    return text.strip()[:MAX_SEARCH]
