"""Report a problem: the public tell us a listing is wrong; the organisation's editors and the moderators
hear of it (by a link, never the text) and mark it resolved."""
