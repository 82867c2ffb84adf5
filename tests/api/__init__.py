"""The verbs: queries beyond the laws, record and seal, and the shipped log's pinned answers."""
