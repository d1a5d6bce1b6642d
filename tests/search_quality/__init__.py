"""The search quality set: family-language queries and what a good answer has in its top five."""
