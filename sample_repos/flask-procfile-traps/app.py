import os

from flask import Flask, jsonify

from tasks import collect

app = Flask(__name__)


@app.route("/ping")
def ping():
    return "pong"


@app.route("/metrics/<host>")
def metrics(host):
    result = collect.delay(host)
    return jsonify({"host": host, "task": result.id})


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", "5000")))
