"""Safe operations: migrations with backups and a lock, drift checks, backups, the memory guard."""
