"""The demo municipality's queues: one per area at each site, fed by the services of that side of the line."""

from django.db import transaction

from skranke.catalogue.models import Kind, Service
from skranke.organisation.models import Area, Municipality
from skranke.queues.models import Queue

# name, letter per area
QUEUES = {
    Area.LIBRARY: ("Bibliotek", "L"),
    Area.CITIZEN_SERVICE: ("Borgerservice", "B"),
}


@transaction.atomic
def demo_queues(*, municipality: Municipality) -> list[Queue]:
    """Create the queues of every site that has none yet; leave existing ones as they are."""
    services = list(Service.objects.filter(retired=False))
    made = []
    for site in municipality.sites.filter(active=True).prefetch_related("counters"):
        areas = {counter.area for counter in site.counters.all()}
        for area in (Area.LIBRARY, Area.CITIZEN_SERVICE):
            if area not in areas:
                continue
            name, letter = QUEUES[area]
            queue, created = Queue.objects.get_or_create(
                site=site, letter=letter, defaults={"name": name, "area": area}
            )
            if not created:
                continue
            if area == Area.LIBRARY:
                # Guidance goes to the library only where there is no Borgerservice counter.
                # Authority work is done at a Borgerservice counter, so a library-only site has none.
                kinds = {Kind.LIBRARY} if Area.CITIZEN_SERVICE in areas else {Kind.LIBRARY, Kind.GUIDANCE}
            else:
                kinds = {Kind.AUTHORITY, Kind.GUIDANCE}
            queue.services.set([s for s in services if s.kind in kinds])
            made.append(queue)
    return made
