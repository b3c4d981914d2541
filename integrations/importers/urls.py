from django.urls import path

from integrations.importers import views

urlpatterns = [
    path("", views.import_start, name="import_start"),
    path("template/", views.import_template, name="import_template"),
    path("<int:import_job_id>/", views.import_job, name="import_job"),
    path("<int:import_job_id>/check/", views.import_check, name="import_check"),
    path("<int:import_job_id>/apply/", views.import_apply, name="import_apply"),
    path("<int:import_job_id>/progress/", views.import_progress, name="import_progress"),
    path("<int:import_job_id>/errors.csv", views.import_errors, name="import_errors"),
]
