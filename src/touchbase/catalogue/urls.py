from __future__ import annotations

from django.urls import path

from touchbase.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("products/", views.product_list, name="product-list"),
    path("products/new/", views.product_edit, name="product-create"),
    path("products/<id:pk>/", views.product_detail, name="product-detail"),
    path("products/<id:pk>/edit/", views.product_edit, name="product-edit"),
]
