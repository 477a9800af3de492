"""Shared plumbing of the REST API: authentication, pagination, references and errors."""
