"""Stage 1: curated YAML in data/ -> typed records, every problem named by file, record, field and line."""

from .errors import DataError, DataErrors
from .load import Dataset, load_dataset

__all__ = ["DataError", "DataErrors", "Dataset", "load_dataset"]
