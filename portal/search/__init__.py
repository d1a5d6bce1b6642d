"""Search: the index, query understanding, filters and geography."""
