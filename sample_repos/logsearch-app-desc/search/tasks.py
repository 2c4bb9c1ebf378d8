from celery import shared_task


@shared_task
def expire_exports():
    return 0
