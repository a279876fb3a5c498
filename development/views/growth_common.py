"""What the mentoring and stretch assignment pages share: the page size. Pages are
``org_view(reader_time_zone=True)``; ids, names, initials and messages are in
perfapp.web.helpers."""

PAGE_SIZE = 20
