from django.urls import include, path

urlpatterns = [
    path("import/", include("integrations.importers.urls")),
]
