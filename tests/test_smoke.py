def test_migrations_create_the_three_roles(db):
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Editors",
        "Reviewers",
        "API clients",
    }
