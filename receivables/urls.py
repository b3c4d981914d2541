from django.urls import path

from receivables.views import customers, overview

urlpatterns = [
    path("", overview.overview, name="overview"),
    path("customers/", customers.customer_list, name="customer_list"),
    path("customers/<int:customer_id>/", customers.customer_detail, name="customer_detail"),
]
