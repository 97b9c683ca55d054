"""schemathesis hooks for tests/test_openapi.py (loaded through SCHEMATHESIS_HOOKS): a SPARQL query
POSTed directly (application/sparql-query) is UTF-8 text, sent as schemathesis sends text/plain."""

import schemathesis

schemathesis.serializer.alias("application/sparql-query", "text/plain")
