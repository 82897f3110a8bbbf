from tests.queues.conftest import (  # noqa: F401 — the same combined site, queues and staff
    borgerservice,
    citizen_counter,
    library,
    loan,
    mitid,
    officer,
    passport,
    site,
)
