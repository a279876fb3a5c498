from rest_framework.pagination import CursorPagination


class StableCursorPagination(CursorPagination):
    """Cursor pages stay correct while rows are added and cost the same at any depth.

    Ordered by ``id`` (unique and immutable), which the (organization, …, id) indexes serve.
    """

    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class NewestFirstPagination(StableCursorPagination):
    """Newest first by ``id``: the order of a feed, a ledger or a history."""

    ordering = "-id"
