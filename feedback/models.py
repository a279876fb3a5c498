"""Models of continuous feedback and check-ins arrive with their issue."""
