"""The manager's key figures (skranke.insights.kpis), for a manager's token or a statistics system's."""

import datetime as dt

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from skranke.api.auth import ManagerScope, token_of
from skranke.api.serializers.staff import KpiQuerySerializer, KpiSerializer
from skranke.api.views.common import ApiView, field_error, site_of, validated
from skranke.catalogue.models import Service
from skranke.insights.kpis import Period, kpis
from skranke.privacy.models import Action
from skranke.privacy.services import audit_record, client_address

DEFAULT_DAYS = 28
MAX_DAYS = 366


class KpiView(ApiView):
    permission_classes = [ManagerScope]

    @extend_schema(
        tags=["Insights (managers)"],
        summary="Key figures for a period",
        description="As the managers' dashboard counts them (docs/insights.md): for the whole municipality or "
        "one site, optionally one row per site, area, staff group, channel or service. Recorded as an export.",
        parameters=[KpiQuerySerializer],
        responses={200: KpiSerializer},
    )
    def get(self, request):
        token = token_of(request)
        municipality = token.municipality
        query = validated(KpiQuerySerializer, request.query_params)
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        last = query.get("end") or yesterday
        first = query.get("start") or last - dt.timedelta(days=DEFAULT_DAYS - 1)
        if last < first:
            raise field_error(
                "end", "invalid", "Perioden slutter, før den begynder.", "The period ends before it starts."
            )
        if (last - first).days >= MAX_DAYS:
            raise field_error("start", "invalid", "Højst et år ad gangen.", "At most a year at a time.")
        site = site_of(municipality, query["site"], active=False) if "site" in query else None
        by = query.get("by")
        rows = kpis(municipality=municipality, period=Period(first, last), by=by, site=site)
        keys = (
            dict(Service.objects.filter(pk__in=[r.key for r in rows if r.key]).values_list("pk", "key"))
            if by == "service"
            else {}
        )
        for row in rows:
            row.key = None if row.key is None else str(keys.get(row.key, row.key))
        audit_record(
            municipality=municipality,
            action=Action.EXPORT,
            actor=token.staff_member.user if token.staff_member else None,
            client_address=client_address(request),
            object_type="insights.kpis",
            criteria={"from": first.isoformat(), "to": last.isoformat(), "site": site.pk if site else None, "by": by},
            detail=f"API: {token.name} ({token.prefix}…)",
        )
        return Response(
            KpiSerializer({"start": first, "end": last, "site": site.pk if site else None, "by": by, "rows": rows}).data
        )
