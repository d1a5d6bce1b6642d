""""Is this your organisation? Ask to manage this listing": a public request that a moderator approves (an
editor invitation for that organisation) or rejects with a reason. The requester's details are kept only
encrypted, and decided requests are purged after MANAGE_REQUEST_RETENTION_DAYS."""
