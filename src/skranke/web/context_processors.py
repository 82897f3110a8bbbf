"""Template context for every page: the signed-in staff member's workplace."""

from skranke.web.workplace import workplace_for


def workplace(request):
    if not hasattr(request, "user") or not hasattr(request, "session"):
        # Error pages rendered before the middleware ran.
        return {"workplace": None, "staff": None, "current_counter": None, "current_site": None, "current_area": None}
    place = workplace_for(request)
    return {
        "workplace": place,
        "staff": place.staff,
        "current_counter": place.counter,
        "current_site": place.site,
        "current_area": place.area,
    }
