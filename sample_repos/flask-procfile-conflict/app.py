from flask import Flask, render_template, request

from tasks import send_digest

app = Flask(__name__)


@app.route("/")
def index():
    return render_template("index.html")


@app.route("/digest", methods=["POST"])
def digest():
    send_digest.delay(request.form["email"])
    return render_template("index.html", queued=True)
