from django.contrib import admin
from django.urls import include, path

from collections_app.portal import views as portal
from kapittx import views
from kapittx.signin import views as signin
from reminders.views import portal_links

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("kapittx.signin.urls")),
    path("tenants/", views.tenant_list, name="tenant_list"),
    path("t/<slug:tenant_slug>/security/", signin.tenant_security, name="tenant_security"),
    path("t/<slug:tenant_slug>/", include("receivables.urls")),
    path("t/<slug:tenant_slug>/collections/", include("collections_app.urls")),
    path("t/<slug:tenant_slug>/reminders/", include("reminders.urls")),
    path("t/<slug:tenant_slug>/integrations/", include("integrations.urls")),
    path("hooks/", include("reminders.channels.urls")),
    path("portal/<str:token>/", portal.portal, name="portal"),
    path("portal/<str:token>/fresh-link/", portal_links.fresh_link, name="portal_fresh_link"),
    path("admin/", admin.site.urls),
]
