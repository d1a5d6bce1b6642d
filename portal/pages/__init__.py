"""The portal's information pages: home, Early Help in Tameside, urgent help, and the legal pages."""
