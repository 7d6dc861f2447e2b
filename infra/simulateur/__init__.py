"""The Wadef@ujour simulator: the Treasury side of the exchange, as a separate process with its
own storage (SQLite) and its own keys. It speaks only protocol v1 (`exchange.protocole`, pure
Python) through the directory drop, never the platform's database."""
