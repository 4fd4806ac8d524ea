"""How records and numbers become lines, tables, SVG and printable pages."""
