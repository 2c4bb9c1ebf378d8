from django.http import JsonResponse

from .models import Ticket


def open_tickets(request):
    tickets = Ticket.objects.filter(closed=False).values("id", "title", "due_at", "escalated")
    return JsonResponse({"tickets": list(tickets)})
