"""Mentions, their sources and what the team does about them."""
