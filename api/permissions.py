"""Who may do what through the API. Reads need the model's view permission (anonymous callers
read published claims only, see ClaimAccess); writes need add/change. Object-level checks run
after the lookup, so a draft the caller may not see answers 404, never 403."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


def model_perm(action: str, model) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


class ModelAccess(BasePermission):
    """Read with view permission, create with add, change with change (checked on the object)."""

    def _model(self, view):
        return view.get_queryset().model

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        model = self._model(view)
        if request.method in SAFE_METHODS:
            return user.has_perm(model_perm("view", model))
        if request.method == "POST" and view.detail is False:
            return user.has_perm(model_perm("add", model))
        return True  # detail writes: decided in has_object_permission, after the lookup

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        # A view may name another permission for an action, e.g. adding evidence to a claim.
        perm = getattr(view, "object_permissions", {}).get(view.action)
        return request.user.has_perm(perm or model_perm("change", type(obj)))


class ClaimAccess(ModelAccess):
    """Anyone may list and read claims (the queryset hides what they may not see) and their
    ClaimReview; history and writes need an account with the matching permission."""

    PUBLIC_ACTIONS = ("list", "retrieve", "claim_review")

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS and view.action in self.PUBLIC_ACTIONS:
            return True
        return super().has_permission(request, view)

    def has_object_permission(self, request, view, obj):
        if view.action == "transition":
            return True  # the workflow table names the permission each move needs
        return super().has_object_permission(request, view, obj)
