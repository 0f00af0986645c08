package handlers

import (
	"archive/zip"
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
)

// The files a material's blank form or sample may be: the type is sniffed
// from the content, and the name's extension must say the same, so that a
// program or a page dressed up as a PDF is refused.

// blankType is one accepted kind of attachment file.
type blankType struct {
	ContentType string
	Ext         string   // the extension the file is served with
	Names       []string // the extensions a name of this type may have
}

var (
	blankPDF  = blankType{"application/pdf", ".pdf", []string{".pdf"}}
	blankJPEG = blankType{"image/jpeg", ".jpg", []string{".jpg", ".jpeg"}}
	blankPNG  = blankType{"image/png", ".png", []string{".png"}}
	blankDOC  = blankType{"application/msword", ".doc", []string{".doc"}}
	blankXLS  = blankType{"application/vnd.ms-excel", ".xls", []string{".xls"}}
	blankDOCX = blankType{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", []string{".docx"}}
	blankXLSX = blankType{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", []string{".xlsx"}}
)

// blankTypes are the accepted types by content type.
var blankTypes = map[string]blankType{blankPDF.ContentType: blankPDF, blankJPEG.ContentType: blankJPEG,
	blankPNG.ContentType: blankPNG, blankDOC.ContentType: blankDOC, blankXLS.ContentType: blankXLS,
	blankDOCX.ContentType: blankDOCX, blankXLSX.ContentType: blankXLSX}

// Why an attachment file is refused.
const (
	blankProblemMissing   = "missing"   // no file chosen, or an empty one
	blankProblemTooLarge  = "too_large" // over the upload limit
	blankProblemType      = "type"      // not a PDF, Word, Excel, JPG or PNG file
	blankProblemDisguised = "disguised" // the name says one type, the content another
)

// oleMagic starts a Word 97–2003 or Excel 97–2003 file (a compound file).
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// sniffBlank reads an uploaded attachment file and answers its type, or
// the problem (blankProblem*) that refuses it.
func sniffBlank(fh *multipart.FileHeader, limit int64) (blankType, string) {
	if fh == nil || fh.Size == 0 {
		return blankType{}, blankProblemMissing
	}
	if fh.Size > limit {
		return blankType{}, blankProblemTooLarge
	}
	f, err := fh.Open()
	if err != nil {
		return blankType{}, blankProblemMissing
	}
	defer f.Close()
	ext := strings.ToLower(filepath.Ext(fh.Filename))
	t, ok := sniffBlankContent(f, fh.Size, ext)
	switch {
	case !ok && claimsBlankType(ext):
		return blankType{}, blankProblemDisguised
	case !ok:
		return blankType{}, blankProblemType
	case !nameFits(t, ext):
		return blankType{}, blankProblemDisguised
	}
	return t, ""
}

// sniffBlankContent tells the type from the content; ext only tells a Word
// from an Excel compound file, whose headers are the same.
func sniffBlankContent(f multipart.File, size int64, ext string) (blankType, bool) {
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return blankPDF, true
	case bytes.HasPrefix(head, oleMagic):
		switch ext {
		case ".doc":
			return blankDOC, true
		case ".xls":
			return blankXLS, true
		}
		return blankType{}, false
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		zr, err := zip.NewReader(f, size)
		if err != nil {
			return blankType{}, false
		}
		for _, zf := range zr.File {
			switch zf.Name {
			case "word/document.xml":
				return blankDOCX, true
			case "xl/workbook.xml":
				return blankXLSX, true
			}
		}
		return blankType{}, false
	}
	switch http.DetectContentType(head) {
	case "image/jpeg":
		return blankJPEG, true
	case "image/png":
		return blankPNG, true
	}
	return blankType{}, false
}

func nameFits(t blankType, ext string) bool {
	for _, e := range t.Names {
		if e == ext {
			return true
		}
	}
	return false
}

// claimsBlankType reports whether a name's extension is one of an accepted type.
func claimsBlankType(ext string) bool {
	for _, t := range blankTypes {
		if nameFits(t, ext) {
			return true
		}
	}
	return false
}
