"""POST /api/v1/intake/: a report in, proposals out. Nothing is saved; editors accept
proposals in the admin's "New report" page."""

import zoneinfo

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from reports.selectors import proposals_for
from reports.text import report_text

from .serializers import IntakeRequestSerializer, ProposalsSerializer

EDITOR_PERMISSION = "claims.add_claim"


class IsEditor(BasePermission):
    """Those who may log claims may ask for proposals."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.has_perm(EDITOR_PERMISSION))


class IntakeView(APIView):
    permission_classes = [IsEditor]

    @extend_schema(
        summary="Propose claims, follow-ups and actors from a report (nothing is saved)",
        request=IntakeRequestSerializer,
        responses={200: ProposalsSerializer},
        tags=["intake"],
    )
    def post(self, request):
        given = IntakeRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        if data.get("html", "").strip():
            text = report_text(data=data["html"].encode(), filename="report.html")
        else:
            text = report_text(text=data["text"])
        tz = zoneinfo.ZoneInfo(data["time_zone"]) if data["time_zone"] else None
        proposals = proposals_for(
            text=text, dateline=data["dateline"], tz=tz, language_code=data["language"]
        )
        return Response(ProposalsSerializer(proposals).data)
