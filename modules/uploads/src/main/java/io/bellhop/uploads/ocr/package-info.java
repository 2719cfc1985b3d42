/**
 * OCR of uploaded documents: the tesseract boundary ({@link io.bellhop.uploads.ocr.TesseractOcr})
 * and pure parsers that turn its lines into checked fields ({@link
 * io.bellhop.uploads.ocr.DocumentParser}). Nothing here keeps a full Aadhaar number: results carry
 * its last four digits only.
 */
package io.bellhop.uploads.ocr;
