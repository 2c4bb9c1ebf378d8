from django.db import models


class Ticket(models.Model):
    title = models.CharField(max_length=200)
    opened_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField()
    escalated = models.BooleanField(default=False)
    closed = models.BooleanField(default=False)
