"""The embedded default for `make run`: SQLite and the filesystem broker, debug on."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="local-development-only-not-a-secret")

# The embedded database and broker live under var/ (ignored by git; `make run` creates the
# folders, nothing is created here at import).
from .base import DATABASES, VAR_DIR  # noqa: E402

# No server: Celery's filesystem transport keeps messages under var/celery/.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "celery" / "out"),
        "data_folder_out": str(VAR_DIR / "celery" / "out"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Exchange tables (worker control, beat); kombu's default is ./control.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # `make run` puts the web server and a Celery worker on one SQLite file: each transaction
    # takes the write lock up front and waits for it, instead of failing when both write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
