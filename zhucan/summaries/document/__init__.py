"""The summary report as a document: its content (``content``) and its .docx and PDF forms."""
