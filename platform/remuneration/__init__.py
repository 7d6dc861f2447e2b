"""The pay engine: pure functions (scalar path) and a vectorised batch path."""
