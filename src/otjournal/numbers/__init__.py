"""Pure numbers from records: trends, homework summaries, exports."""
