"""Organisations keep their own listings current; the directory team moderates the changes."""
