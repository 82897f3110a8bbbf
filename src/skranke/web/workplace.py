"""Who is at the counter: the signed-in staff member, the chosen counter, its site and area.

Computed once per request and cached on it, so the context processor and the
view share the same objects (and the same prefetches) instead of querying twice.
"""

from dataclasses import dataclass
from functools import cached_property

from skranke.organisation.models import Area, Counter, Site, StaffMember
from skranke.organisation.selectors import counters_of_municipality, is_administrator, is_manager, staff_member_for

SESSION_COUNTER_KEY = "counter_id"
_CACHE_ATTR = "_skranke_workplace"


@dataclass
class Workplace:
    user: object
    staff: StaffMember | None
    counter: Counter | None

    @property
    def site(self) -> Site | None:
        if self.counter is not None:
            return self.counter.site
        return self.staff.home_site if self.staff else None

    @property
    def area(self) -> Area | None:
        return Area(self.counter.area) if self.counter is not None else None

    @cached_property
    def is_manager(self) -> bool:
        return is_manager(self.user)

    @cached_property
    def is_administrator(self) -> bool:
        return is_administrator(self.user)

    @property
    def can_administer(self) -> bool:
        return self.is_manager or self.is_administrator


def workplace_for(request) -> Workplace:
    cached = getattr(request, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    user = request.user
    staff = staff_member_for(user)
    counter = None
    counter_id = request.session.get(SESSION_COUNTER_KEY) if staff is not None else None
    if counter_id is not None:
        counter = counters_of_municipality(municipality_id=staff.municipality_id).filter(pk=counter_id).first()
    workplace = Workplace(user=user, staff=staff, counter=counter)
    setattr(request, _CACHE_ATTR, workplace)
    return workplace


def forget_workplace(request) -> None:
    """Drop the cached workplace after the counter in the session changed."""
    if hasattr(request, _CACHE_ATTR):
        delattr(request, _CACHE_ATTR)
