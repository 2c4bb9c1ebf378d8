# -*- coding: utf-8 -*-
from __future__ import absolute_import, print_function, unicode_literals

import os

import six
from flask import Flask, abort, jsonify

app = Flask(__name__)

STOCK = {
    "bolt-m6": 1200,
    "nut-m6": 950,
    "washer-m6": 3000,
}


@app.route("/healthz")
def healthz():
    return "ok"


@app.route("/stock/<sku>")
def stock(sku):
    if sku not in STOCK:
        abort(404)
    return jsonify(sku=sku, quantity=STOCK[sku])


@app.route("/stock")
def all_stock():
    return jsonify({sku: qty for sku, qty in six.iteritems(STOCK)})


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", "5000")))
