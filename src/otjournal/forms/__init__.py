"""A note before it is saved: flags and editor forms, drafts, language hints."""
