"""Shortlists without an account: service ids kept in the session cookie, shared as a link that holds
only those ids. Nothing about the person is stored on the server."""
