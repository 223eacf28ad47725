"""The portal's own resource views (maps of tables and of linked GeoJSON, charts)."""
