"""Accounts for the people who run the directory: sign-in, second factor, invitations, password resets."""
