"""Keeping devices in step: git sync, its scope, the merge driver, resolving copies."""
