"""Models of development arrive with their issue."""
