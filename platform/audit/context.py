"""Who and what is acting right now: the request or job id, for logs and audit rows.

Lives in the lowest layer so every other layer can tag what it writes.
"""

from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
job_id_var: ContextVar[str] = ContextVar("job_id", default="-")
