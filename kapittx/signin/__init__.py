"""Signing in: throttled passwords, password reset by email, and two-factor codes."""
