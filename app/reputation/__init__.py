from flask import Blueprint

bp = Blueprint("reputation", __name__)

from app.reputation import views  # noqa: E402,F401
