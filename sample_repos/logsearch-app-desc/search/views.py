from django.conf import settings
from django.http import JsonResponse


def search(request):
    query = request.GET.get("q", "")
    return JsonResponse({"query": query, "limit": settings.EXPORT_LIMIT, "hits": []})
