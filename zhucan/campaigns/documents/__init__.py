"""Official-document (公文) output of a notice: .docx and PDF in the GB/T 9704-2012 layout."""

from zhucan.campaigns.documents.docx_render import render_notice_docx
from zhucan.campaigns.documents.pdf_render import render_notice_pdf

__all__ = ["render_notice_docx", "render_notice_pdf"]
