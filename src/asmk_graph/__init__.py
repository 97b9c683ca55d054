"""ASMK knowledge graph: curated records -> RDF graph -> SHACL validation -> SPARQL store -> API."""

__version__ = "0.1.0"
