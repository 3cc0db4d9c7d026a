"""Outputs people and tools read: the support table in Markdown, RST and JSON, and its shared vocabulary."""
