from django.http import JsonResponse

from .models import Item


def item_list(request):
    items = Item.objects.values("sku", "name", "quantity")
    return JsonResponse({"items": list(items)})
