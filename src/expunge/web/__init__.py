"""`expunge serve`: the "Am I in it?" page for people and the removal desk for maintainers
(extra `[web]`). `app.create_app` builds the FastAPI application; see docs/architecture.md."""
