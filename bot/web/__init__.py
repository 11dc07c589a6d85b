"""The project's web app: chat widget and demo page, staff console, JSON API and health check."""
