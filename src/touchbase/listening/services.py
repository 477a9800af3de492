"""Writing mentions: ingest, analyse, link, answer."""
