"""View decorators for the pages only staff, or only admins, may open."""

from functools import wraps

from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.errors import PermissionDenied


def staff_required(view):
    @wraps(view)
    @login_required
    def guarded(*args, **kwargs):
        if not current_user.is_staff:
            raise PermissionDenied(_("Only moderators and administrators may do this."))
        return view(*args, **kwargs)

    return guarded


def admin_required(view):
    @wraps(view)
    @login_required
    def guarded(*args, **kwargs):
        if not current_user.is_admin:
            raise PermissionDenied(_("Only administrators may do this."))
        return view(*args, **kwargs)

    return guarded
