from django.urls import path

from home_application import views

urlpatterns = [
    path("", views.index),
    path("hosts/<int:biz_id>/", views.hosts),
    path("tickets/", views.tickets),
]
