from django.http import HttpRequest, HttpResponse

from kapittx.tenancy import tenant_view


@tenant_view()
def overview(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
