"""Who reads HR analytics: owners and HR admins (the people directory's HR tools)."""

from perfapp.orgs.roles import Permission

ANALYTICS_PERMISSION = Permission.VIEW_PEOPLE_ADMIN
