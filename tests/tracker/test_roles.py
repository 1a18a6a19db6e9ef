import pytest
from django.contrib.auth.models import Group

from tracker.roles import GROUP_PERMISSIONS, apply_roles

pytestmark = pytest.mark.django_db


def _granted():
    return {
        group.name: {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        for group in Group.objects.prefetch_related("permissions__content_type")
    }


def test_every_group_has_exactly_its_declared_permissions_after_migrate():
    assert _granted() == GROUP_PERMISSIONS


def test_applying_the_roles_again_repairs_a_group_and_changes_nothing_else():
    editors = Group.objects.get(name="Editors")
    editors.permissions.clear()
    Group.objects.filter(name="API clients").delete()

    apply_roles()
    apply_roles()

    assert _granted() == GROUP_PERMISSIONS
