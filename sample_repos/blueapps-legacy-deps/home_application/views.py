import jwt
from bkapigw.itsm.shortcuts import get_client_by_request as get_itsm_client
from blueking.component.open.shortcuts import get_client_by_request
from django.conf import settings
from django.http import JsonResponse


def index(request):
    return JsonResponse({"app": settings.APP_CODE})


def hosts(request, biz_id):
    client = get_client_by_request(request)
    result = client.cc.search_host({"bk_biz_id": biz_id})
    token = jwt.encode({"biz": biz_id}, settings.SECRET_KEY, algorithm="HS256")
    return JsonResponse({"hosts": result.get("data", {}), "token": token})


def tickets(request):
    client = get_itsm_client(request)
    return JsonResponse(client.api.get_tickets({"page_size": 10}))
