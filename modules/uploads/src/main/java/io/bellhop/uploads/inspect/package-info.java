/**
 * What arrives in an upload, checked: the real content type sniffed from the first bytes with
 * Apache Tika against the document type's allow-list ({@link
 * io.bellhop.uploads.inspect.HeadSniffer}, before those bytes are stored), and at completion a
 * bounded look inside spreadsheets — a ZIP read with entry, size and ratio limits that must hold an
 * Excel workbook, an OLE2 file that must hold a {@code Workbook} stream, a CSV that must parse
 * ({@link io.bellhop.uploads.inspect.ContentInspector}). {@link
 * io.bellhop.uploads.inspect.StatementSummary} reads a CSV statement into rows, a header preview
 * and the cells that could be taken for formulas. Refusals are {@code UNSUPPORTED_TYPE}. See
 * docs/uploads.md, "Validation".
 */
package io.bellhop.uploads.inspect;
