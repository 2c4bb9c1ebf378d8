import os

from flask import Flask, render_template

app = Flask(__name__)


@app.route("/")
def index():
    return render_template("index.html", env=os.environ.get("BKPAAS_ENVIRONMENT", "dev"))


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", "5000")))
