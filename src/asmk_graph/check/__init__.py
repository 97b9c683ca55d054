"""Stage 3: checking the graph (SHACL shapes)."""
