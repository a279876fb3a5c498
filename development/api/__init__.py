"""The growth API, a module per resource."""
