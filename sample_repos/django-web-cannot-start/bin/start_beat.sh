#!/bin/bash
# Start the periodic task scheduler.
set -e
rm -f /tmp/celerybeat.pid
exec celery -A helpdesk beat -l info --pidfile=/tmp/celerybeat.pid --detach
