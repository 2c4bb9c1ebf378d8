from celery import shared_task
from django.utils import timezone

from .models import Ticket


@shared_task
def escalate_overdue():
    overdue = Ticket.objects.filter(closed=False, escalated=False, due_at__lt=timezone.now())
    return overdue.update(escalated=True)
