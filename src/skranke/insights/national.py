"""The national picture for an installation's administrator: the 2015 survey's figures, computed from live data.

"Bibliotek og borger – du er altid velkommen" (Danmarks Biblioteksforening,
Kulturstyrelsen and Bibliotekschefforeningen; Knudsen Syd, 19 March 2015)
reported that libraries and Borgerservice cooperate in 90 of 98
municipalities, that library staff do Borgerservice tasks in 49 % of them
(Ugebrevet A4's reading of the same survey) and that 8.2 % report no
cooperation. Here the same questions are answered from what the
installation's municipalities have set up and recorded: the cooperation
model each has chosen, the council's policy, and the contacts in which
library staff actually handled authority work.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from skranke.catalogue.models import Kind
from skranke.contacts.models import ContactService
from skranke.insights.kpis import Period
from skranke.organisation.models import CooperationModel, Municipality, Site, SiteKind, StaffGroup


@dataclass(frozen=True)
class Survey2015:
    cooperating: str = "90 af 98 (92 %)"
    library_staff_authority: str = "49 %"
    no_cooperation: str = "8,2 %"
    source: str = (
        "Danmarks Biblioteksforening m.fl., »Bibliotek og borger – du er altid velkommen« (Knudsen Syd, 2015); "
        "49 % og 8,2 % efter Ugebrevet A4's gengivelse af undersøgelsen."
    )


@dataclass(frozen=True)
class National:
    municipalities: int  # with at least one active site in this installation
    answered: int  # of those, with a cooperation model set
    cooperating: int  # a model other than "no cooperation"
    no_cooperation: int
    policy_allows: int  # the council lets library staff do authority work
    library_staff_did: int  # library staff handled authority work in the period
    by_model: list[tuple[str, int, int]]  # (model, municipalities, sites)
    sites_by_kind: list[tuple[str, int]]
    period: Period
    survey: Survey2015 = Survey2015()

    @staticmethod
    def share(part: int, whole: int) -> float | None:
        return part / whole if whole else None


def national(*, period: Period) -> National:
    """Across every municipality of the installation that has an active site."""
    active = Municipality.objects.filter(Exists(Site.objects.filter(municipality=OuterRef("pk"), active=True)))
    authority_by_library = ContactService.objects.filter(
        contact__site__municipality=OuterRef("pk"),
        contact__finished_at__gte=period.start,
        contact__finished_at__lt=period.end,
        contact__staff_group=StaffGroup.LIBRARY,
        service__kind=Kind.AUTHORITY,
    )
    counts = active.aggregate(
        municipalities=Count("pk"),
        answered=Count("pk", filter=Q(cooperation_model__isnull=False)),
        cooperating=Count(
            "pk", filter=Q(cooperation_model__isnull=False) & ~Q(cooperation_model=CooperationModel.NONE)
        ),
        no_cooperation=Count("pk", filter=Q(cooperation_model=CooperationModel.NONE)),
        policy_allows=Count("pk", filter=Q(library_staff_authority=True)),
    )
    did = active.filter(Exists(authority_by_library)).count()
    models_count = dict(active.values_list("cooperation_model").annotate(n=Count("pk")).order_by())
    sites = Site.objects.filter(active=True, municipality__in=active)
    sites_per_model = dict(sites.values_list("municipality__cooperation_model").annotate(n=Count("pk")).order_by())
    by_model = [
        (str(label), models_count.get(value, 0), sites_per_model.get(value, 0))
        for value, label in CooperationModel.choices
    ]
    by_model.append(("Ikke oplyst", models_count.get(None, 0), sites_per_model.get(None, 0)))
    kinds = dict(sites.values_list("kind").annotate(n=Count("pk")).order_by())
    return National(
        **counts,
        library_staff_did=did,
        by_model=by_model,
        sites_by_kind=[(str(label), kinds.get(value, 0)) for value, label in SiteKind.choices],
        period=period,
    )
