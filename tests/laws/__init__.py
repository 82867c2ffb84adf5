"""The laws of DESIGN.md over random logs, and mutations that show each law can fail."""
