"""Small template helpers of the recognition pages."""

from django import template

from perfapp.web.templatetags.moments import when

register = template.Library()

register.filter("when", when)  # shared with every list (perfapp/web/templatetags/moments.py)
