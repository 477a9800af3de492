"""Screens of listening, one module per area; urls.py joins their urlpatterns."""
