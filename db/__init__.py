"""Storage layer: SQLAlchemy models, engine set-up, Alembic migrations.

Knows nothing of the layers above it (desktop, ui, reports).
"""
