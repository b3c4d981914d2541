"""The OpenAPI document and its readers (Swagger UI, Redoc), served from our own static
files, and the answer to an address under /api/ that names no endpoint."""

from csp.decorators import csp_update
from django.urls import Resolver404, resolve
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView


class _Public:
    authentication_classes: list = []
    permission_classes = [AllowAny]


class SchemaView(_Public, SpectacularAPIView):
    """The OpenAPI 3 document (YAML, or JSON with ``?format=json``)."""


class SwaggerView(_Public, SpectacularSwaggerSplitView):
    """Swagger UI; its start-up script is a separate file, so no inline script runs."""

    template_name = "integrations/api_docs_swagger.html"


class RedocView(_Public, SpectacularRedocView):
    template_name = "integrations/api_docs_redoc.html"


#: Swagger UI draws its icons as data: images; scripts stay our own static files only.
swagger_policy = csp_update({"img-src": ["data:"]})
#: Redoc styles itself by adding style elements, draws icons as data: images and searches
#: in a worker it makes from a blob; its scripts still come only from our own static files.
#: (The Redocly logo it would fetch from its CDN is left blocked.)
redoc_policy = csp_update(
    {"style-src": ["'unsafe-inline'"], "img-src": ["data:"], "worker-src": ["blob:"]}
)


@extend_schema(exclude=True)
class Missing(_Public, APIView):
    """Every address under /api/ that names no endpoint: a 404 in the problem format."""

    throttle_classes: list = []

    def initial(self, request, *args, **kwargs) -> None:
        detail = "No such endpoint; the endpoints are listed at /api/v1/docs/."
        if not request.path.endswith("/"):
            try:
                resolve(request.path + "/")
            except Resolver404:
                pass
            else:
                detail = f"No such endpoint; addresses end with a slash: {request.path}/"
        raise NotFound(detail)
