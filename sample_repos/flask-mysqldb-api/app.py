import os

from flask import Flask, jsonify, abort
from flask_mysqldb import MySQL

app = Flask(__name__)
app.config.update(
    MYSQL_HOST=os.environ.get("MYSQL_HOST", "127.0.0.1"),
    MYSQL_PORT=int(os.environ.get("MYSQL_PORT", "3306")),
    MYSQL_USER=os.environ.get("MYSQL_USER", "root"),
    MYSQL_PASSWORD=os.environ.get("MYSQL_PASSWORD", ""),
    MYSQL_DB=os.environ.get("MYSQL_NAME", "library"),
    MYSQL_CURSORCLASS="DictCursor",
)
mysql = MySQL(app)


@app.route("/books")
def books():
    cursor = mysql.connection.cursor()
    cursor.execute("SELECT id, title, author FROM book ORDER BY title")
    return jsonify(cursor.fetchall())


@app.route("/books/<int:book_id>")
def book(book_id):
    cursor = mysql.connection.cursor()
    cursor.execute("SELECT id, title, author FROM book WHERE id = %s", (book_id,))
    row = cursor.fetchone()
    if row is None:
        abort(404)
    return jsonify(row)
