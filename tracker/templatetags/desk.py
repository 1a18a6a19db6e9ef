"""`{% desk_for request.user as desk %}`: the admin home page's "Needs me" rows, read by the one
selector module tracker/desk.py (no context processor, no custom AdminSite)."""

from django import template

from tracker import desk as desk_selectors

register = template.Library()


@register.simple_tag
def desk_for(user) -> desk_selectors.Desk:
    return desk_selectors.desk_for(user)
