"""Reading a published document as it is: tables found by their header vocabulary, counts stated in
prose, the period from the title or the body, and what could not be read (docs/real-documents.md).

``read_document_file(path)`` gives a ReadDocument; flows/steps/document_check.py checks it.
"""

from flows.ingest.document.model import ReadDocument, ReadTable, Record  # noqa: F401
from flows.ingest.document.read import read_document_file  # noqa: F401
