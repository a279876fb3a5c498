"""Models of recognition arrive with their issue."""
