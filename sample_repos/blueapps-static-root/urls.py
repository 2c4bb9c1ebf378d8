from django.urls import include, path

urlpatterns = [
    path("", include("home_application.urls")),
]
