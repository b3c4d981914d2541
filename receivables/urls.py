from django.urls import path

from receivables import customer_views, views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("customers/", customer_views.customer_list, name="customer_list"),
    path("customers/<int:customer_id>/", customer_views.customer_detail, name="customer_detail"),
    path(
        "customers/<int:customer_id>/resume/", customer_views.customer_resume,
        name="customer_resume",
    ),
    path(
        "customers/<int:customer_id>/reminders/", customer_views.customer_reminders,
        name="customer_reminders",
    ),
    path(
        "customers/<int:customer_id>/send-now/", customer_views.customer_send_now,
        name="customer_send_now",
    ),
]
