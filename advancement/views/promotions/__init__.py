"""Promotion pages: rounds and cases, and calibration."""
