package web

import (
	"bytes"
	"io"
	"net/http"
)

// fileTypes are the content types of the documents the server hands over.
var fileTypes = map[string]string{
	"pdf":  "application/pdf",
	"csv":  "text/csv; charset=utf-8",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// sendFile hands over a document as an attachment named name.format. It is written whole
// before the first byte goes out, so a failure is still answered as an error.
func sendFile(w http.ResponseWriter, name, format string, write func(io.Writer) error) error {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	w.Header().Set("Content-Type", fileTypes[format])
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.`+format+`"`)
	_, err := w.Write(b.Bytes())
	return err
}
