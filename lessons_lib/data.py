"""Work in progress (issue 5): real series loaders and windows; synthetic tasks re-exported."""
from .synthetic_tasks import adding_problem, copy_task  # noqa: F401
