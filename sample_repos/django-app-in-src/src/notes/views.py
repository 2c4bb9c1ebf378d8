from django.http import JsonResponse

NOTES = ["Deploy from src/", "Set the build directory"]


def index(request):
    return JsonResponse({"notes": NOTES})
