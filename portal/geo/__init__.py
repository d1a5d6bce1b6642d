"""Geography: postcodes, distances and maps. No Flask imports here, but for page_maps.py, the maps a
page shows (translated labels, links to the service pages)."""
