"""Views: every output, one module per output.

The writers every command shares: `table` (text tables and wrapping), `json` (JSON
text) and `csv` (the one CSV writer, which neutralises formulas). The commands' output
in each format: `facts` (at, diff, validate), `explore` (history, show, why, subjects,
sources, diff --summary) and `export` (the export files). The pictures, each imported
only by the command that draws it, so `statustrack at` never pays for them: `timeline`,
`map`, `html` (the explorer), sharing one palette (`palette`), one escaping SVG writer
(`svg`) and `png`.
"""

__all__ = ["FORMATS"]

#: The output formats every reading command takes (`--format`), one writer each:
#: `table`, `json` and `csv`.
FORMATS = ("table", "json", "csv")
