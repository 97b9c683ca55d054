"""Stage 2: records -> RDF graph, deterministic serialisations, and the build job that writes graph/."""
