"""Stage 1: curated YAML in data/ -> typed records, every problem named by file, record and field."""

from .model import DataError, DataErrors, Dataset, load_dataset

__all__ = ["DataError", "DataErrors", "Dataset", "load_dataset"]
