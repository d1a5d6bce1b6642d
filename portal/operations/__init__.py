"""Running the portal: backups and restores of the database (`flask --app wsgi portal backup|restore`)."""
