"""Models of career framework arrive with their issue."""
