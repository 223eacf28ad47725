"""The département's theme: branding, editorial pages, home page content."""
