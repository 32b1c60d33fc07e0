"""The reference of `bench/http.py`: the smallest Flask application that answers a 20 KB HTML page.

Served by the same gunicorn settings as Entraide, it shows what the server, Flask and the machine
allow before any template, query or session: Entraide's pages are measured as a share of it."""

from flask import Flask

PAGE_BYTES = 20 * 1024


def page(size: int = PAGE_BYTES) -> str:
    """An ASCII page of exactly `size` bytes: whole paragraphs, padded with spaces."""
    head = '<!doctype html>\n<html lang="fr"><head><meta charset="utf-8"><title>Reference</title></head><body>\n'
    tail = "</body></html>\n"
    paragraph = "<p>Bonjour, j'ai essaye de redemarrer le thermostat, sans succes. Une idee ?</p>\n"
    room = size - len(head) - len(tail)
    return head + paragraph * (room // len(paragraph)) + " " * (room % len(paragraph)) + tail


PAGE = page()
app = Flask(__name__)


@app.get("/")
def index() -> str:
    return PAGE
