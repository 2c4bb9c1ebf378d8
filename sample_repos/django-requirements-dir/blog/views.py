from rest_framework.decorators import api_view
from rest_framework.response import Response

POSTS = [{"id": 1, "title": "Hello, BlueKing"}]


@api_view(["GET"])
def posts(request):
    return Response(POSTS)
