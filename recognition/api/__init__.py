"""The recognition API, a module per resource."""
