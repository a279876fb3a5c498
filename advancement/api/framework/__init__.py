"""The career framework's API: competencies, tracks, levels and criteria, and published versions."""
