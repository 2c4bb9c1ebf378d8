"""How Python applications start and serve: Django settings, WSGI/ASGI servers, Celery, modules."""
