"""What other modules may call: notify users of the current tenant."""

from modules.notifications.services import notifier

__all__ = ["notifier"]
