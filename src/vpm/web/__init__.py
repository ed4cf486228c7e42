"""The web layer: JSON API, HTML pages and the realtime stream, served by one process."""
