from django.urls import path

from home_application import views

urlpatterns = [
    path("", views.index, name="index"),
]
