import os

import requests
from flask import Flask, jsonify, render_template

app = Flask(__name__)

STATUS_URL = os.environ.get("STATUS_URL", "https://status.example.com/api/summary")


@app.route("/")
def index():
    return render_template("index.html", env=os.environ.get("BKPAAS_ENVIRONMENT", "dev"))


@app.route("/api/status")
def status():
    try:
        summary = requests.get(STATUS_URL, timeout=3).json()
    except (requests.RequestException, ValueError):
        summary = {"status": "unknown"}
    return jsonify(summary)


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", "5000")))
