"""The REST API (`/api/v1`) for the province's other systems: FastAPI on the same services and
scope rules as the pages, served by uvicorn as its own process (`python -m app.cli api`)."""
