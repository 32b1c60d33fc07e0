"""The page-quality audit: `python -m audit.run` from the project root (see run.py)."""
