"""Settings shared by every test, doctest and notebook run (loaded before anything else)."""

import os

# Headless and quiet: tests draw with Agg (notebooks choose their own backend), Keras runs
# on TensorFlow, and TensorFlow's C++ start-up chatter stays out of the log.
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

try:
    from hypothesis import settings
except ImportError:  # the runtime install has no hypothesis; only `make test` needs it
    pass
else:
    # Deterministic property tests: the same examples on every run and in CI.
    settings.register_profile("lossviz", derandomize=True, deadline=None, max_examples=60)
    settings.load_profile("lossviz")
