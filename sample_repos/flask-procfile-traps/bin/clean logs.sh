#!/bin/bash
# Removes exported metric files older than --days N, then waits for the next day.
set -e
days=7
if [ "$1" = "--days" ]; then days="$2"; fi
while true; do
    find /tmp/exports -type f -mtime "+$days" -delete 2>/dev/null || true
    sleep 86400
done
