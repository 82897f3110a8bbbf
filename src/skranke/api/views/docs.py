"""The API's documentation page: Swagger UI from drf-spectacular-sidecar's static files, no CDN.

The page carries no inline script or style (the CSP refuses them): the
schema's address is a data attribute, read by static/api/docs.js.
"""

from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def docs(request):
    return render(request, "api/docs.html")
