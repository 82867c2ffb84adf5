"""Pictures of the replayed history: a timeline chart, a map of control, an HTML explorer.

Each module is imported only by the command that draws it, so `statustrack at` never pays
for it. They share one palette (`palette`) and one escaping SVG writer (`svg`).
"""
