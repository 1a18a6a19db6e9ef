"""The embedded default for `make run`: SQLite and the filesystem broker, debug on."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="local-development-only-not-a-secret")

# The embedded database and broker live under var/ (ignored by git).
from .base import VAR_DIR  # noqa: E402

(VAR_DIR / "celery" / "out").mkdir(parents=True, exist_ok=True)
(VAR_DIR / "celery" / "processed").mkdir(parents=True, exist_ok=True)
