"""Sending files back: uploads under their own type, never to be sniffed, run or framed; exports
as the table format asked for."""
import re

from flask import Response, abort, current_app, send_file

from .models import SummaryFile
from .services.documents import spreadsheets, uploads
from .services.documents.protocol_docx import protocol_docx
from .services.documents.protocol_layout import ProtocolDocument
from .services.documents.protocol_pdf import protocol_pdf


def summary_file_response(file: SummaryFile, private: bool) -> Response:
    """Images inline, everything else as a download; drafts are never kept by a shared cache."""
    path = uploads.blob_path(current_app.config["UPLOAD_FOLDER"], file.content_hash)
    if not path.is_file():
        current_app.logger.error("summary file %s: its content %s is missing", file.id, file.content_hash)
        abort(404)
    kind = uploads.kind_of(file.media_type)
    response = send_file(path, mimetype=file.media_type, etag=file.content_hash, max_age=0, conditional=True)
    response.headers["Content-Disposition"] = uploads.content_disposition(
        file.original_name, inline=bool(kind and kind.inline)
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if private:
        response.headers["Cache-Control"] = "private, no-store"
    return response


def table_response(table: spreadsheets.Table, format: str, name: str) -> Response:
    """`table` as a download of `format` (csv or xlsx), named `<name>.<format>` in ASCII."""
    filename = re.sub(r"[^A-Za-z0-9._-]", "-", name)
    return Response(
        spreadsheets.write(table, format),
        headers={
            "Content-Type": spreadsheets.MEDIA_TYPES[format],
            "Content-Disposition": f'attachment; filename="{filename}.{format}"',
            "Cache-Control": "private, no-store",
        },
    )


PROTOCOL_MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def protocol_response(document: ProtocolDocument, format: str, private: bool) -> Response:
    """A working group meeting's protocol (`protocols.protocol_document`) as a PDF or DOCX download,
    named in Latvian ("Protokols Nr. 3 … .pdf"; a draft says "projekts"); a draft is never cached."""
    body = protocol_pdf(document) if format == "pdf" else protocol_docx(document)
    name = f"Protokols Nr. {document.number} {document.group_name}"
    if not document.approved:
        name += " (projekts)"
    response = Response(body, mimetype=PROTOCOL_MEDIA_TYPES[format])
    response.headers["Content-Disposition"] = uploads.content_disposition(f"{name}.{format}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store" if private or not document.approved else "no-cache"
    return response
