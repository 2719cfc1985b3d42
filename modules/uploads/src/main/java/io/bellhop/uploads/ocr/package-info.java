/**
 * OCR of uploaded documents: pure parsers that turn recognised lines into checked fields ({@link
 * io.bellhop.uploads.ocr.DocumentParser}). Nothing here keeps a full Aadhaar number: results carry
 * its last four digits only.
 */
package io.bellhop.uploads.ocr;
