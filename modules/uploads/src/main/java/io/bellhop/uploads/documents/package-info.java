/**
 * Documents: what a completed upload becomes, and its asynchronous OCR. {@code DocumentJobs}
 * records a document with a pending job in the transaction that completes the upload; {@code
 * OcrWorkerPool} claims jobs on any node under a lease and a {@link
 * io.bellhop.uploads.documents.DocumentReader} chosen by document type reads them; the result and
 * the {@code guest}/{@code document.ocr.completed} event are stored in one transaction through the
 * outbox; {@code GET /v2/documents/{fileId}} returns them. Internal to the uploads module.
 */
package io.bellhop.uploads.documents;
