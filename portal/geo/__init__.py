"""Geography: postcodes, distances and maps. No Flask imports here."""
