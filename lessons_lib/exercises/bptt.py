"""Exercise checks (work in progress)."""
__all__: list[str] = []
