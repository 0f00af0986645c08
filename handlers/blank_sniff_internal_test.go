package handlers

import (
	"archive/zip"
	"bytes"
	"mime/multipart"
	"net/http/httptest"
	"testing"
)

// fileHeader makes the multipart file header a browser would send for name and content.
func fileHeader(t *testing.T, name string, content []byte) *multipart.FileHeader {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	w.Close()
	req := httptest.NewRequest("POST", "/", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if err := req.ParseMultipartForm(1 << 20); err != nil {
		t.Fatal(err)
	}
	return req.MultipartForm.File["file"][0]
}

// office is a minimal Office Open XML package holding one part.
func office(t *testing.T, part string) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	f, err := z.Create(part)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("<xml/>"))
	z.Close()
	return buf.Bytes()
}

func TestSniffBlankTellsTypesFromContent(t *testing.T) {
	t.Parallel()
	ole := append(append([]byte{}, oleMagic...), make([]byte, 600)...)
	jpeg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, make([]byte, 64)...)
	for _, c := range []struct {
		name    string
		content []byte
		want    string // content type, or the problem
	}{
		{"form.pdf", []byte("%PDF-1.7 ..."), "application/pdf"},
		{"表格.docx", office(t, "word/document.xml"), blankDOCX.ContentType},
		{"表格.XLSX", office(t, "xl/workbook.xml"), blankXLSX.ContentType},
		{"表格.doc", ole, blankDOC.ContentType},
		{"表格.xls", ole, blankXLS.ContentType},
		{"photo.jpeg", jpeg, "image/jpeg"},
		{"表格.docx", office(t, "xl/workbook.xml"), blankProblemDisguised}, // a workbook named as a document
		{"archive.zip", office(t, "readme.txt"), blankProblemType},
		{"表格.pdf", jpeg, blankProblemDisguised},
		{"表格.pdf", []byte("<html><script>alert(1)</script>"), blankProblemDisguised},
		{"表格.jpg", ole, blankProblemDisguised},
		{"page.html", []byte("<html></html>"), blankProblemType},
		{"empty.pdf", nil, blankProblemMissing},
		{"big.pdf", append([]byte("%PDF-"), make([]byte, 2048)...), blankProblemTooLarge},
	} {
		typ, problem := sniffBlank(fileHeader(t, c.name, c.content), 1024)
		got := problem
		if got == "" {
			got = typ.ContentType
		}
		if got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}
