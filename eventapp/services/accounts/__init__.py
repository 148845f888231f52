"""Accounts: users, the audit log and data retention."""
