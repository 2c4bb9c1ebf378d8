from celery import shared_task


@shared_task
def expire_unpaid_orders():
    return 0
