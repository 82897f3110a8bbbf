"""What kind of request a page got: a whole page, an htmx fragment, or a page's own poll."""

POLL_HEADER = "X-Skranke-Poll"


def wants_fragment(request) -> bool:
    """htmx asks for part of the page; a history restore (the back button) needs the whole page."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def is_poll(request) -> bool:
    """A request the page makes by itself every few seconds: not activity by the person at the screen."""
    return request.headers.get(POLL_HEADER) == "1"
