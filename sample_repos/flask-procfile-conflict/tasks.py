import os

from celery import Celery

celery = Celery("newsletter", broker=os.environ.get("REDIS_URL", "redis://localhost:6379/0"))


@celery.task
def send_digest(email):
    print(f"sending the weekly digest to {email}")
