package card

import (
	"bytes"
	"image/png"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/secret"
)

func keys(b byte) *secret.Keys {
	k, _ := secret.FromMaster(bytes.Repeat([]byte{b}, 32))
	return k
}

func TestTokenVerifiesAndTamperedDoesNot(t *testing.T) {
	k := keys(1)
	tok := Token(k, "12345678901")
	if kpj, ok := Check(k, tok); !ok || kpj != "12345678901" {
		t.Fatalf("genuine token refused: %q", tok)
	}
	tampered := []string{
		"12345678902" + tok[11:],      // another participant number, same signature
		tok[:len(tok)-1] + "A",        // signature altered
		"12345678901",                 // no signature
		Token(keys(2), "12345678901"), // signed by another installation
		"abc." + tok[12:],             // not a participant number
	}
	for _, bad := range tampered {
		if _, ok := Check(k, bad); ok {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestPDFAndPNG(t *testing.T) {
	d := Data{Name: "Ni Luh Putu Ayu Sukerti", KPJ: "12345678901", NIKMasked: "5103********0001",
		Programs: participant.Programs{JKK: true, JKM: true, JHT: true}, VerifyURL: "http://localhost:8080/verify/" + Token(keys(1), "12345678901")}
	var pdf bytes.Buffer
	if err := PDF(&pdf, d); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) || pdf.Len() < 1000 {
		t.Fatalf("not a PDF (%d bytes)", pdf.Len())
	}
	var img bytes.Buffer
	if err := PNG(&img, d); err != nil {
		t.Fatal(err)
	}
	decoded, err := png.Decode(&img)
	if err != nil || decoded.Bounds().Dx() != 856 {
		t.Fatalf("png: %v", err)
	}
	// The QR on the card, read back by a QR reader, is the verification link.
	bmp, err := gozxing.NewBinaryBitmapFromImage(decoded)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil || res.GetText() != d.VerifyURL {
		t.Fatalf("QR reads %v, %v", res, err)
	}
}

func TestReceiptPDF(t *testing.T) {
	var b bytes.Buffer
	err := ReceiptPDF(&b, Receipt{No: "KW-202611-ABC", Date: "2026-11-20 10:00 WIB", Name: "Ni Made Sari", KPJ: "12345678901", Funding: "self",
		Lines: []ReceiptLine{{"2026-11", 8_400}, {"2026-12", 8_400}, {"2027-01", 16_800}}, Amount: 33_600, VerifyURL: "http://x/verify/receipt/KW.sig"})
	if err != nil || !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
		t.Fatalf("%v", err)
	}
	if Rupiah(1_000_000) != "Rp 1.000.000" || Rupiah(-8_400) != "-Rp 8.400" || Rupiah(0) != "Rp 0" {
		t.Fatal(Rupiah(1_000_000), Rupiah(-8_400))
	}
}

// The PNG card's bitmap font draws ASCII only: names are cut to fit with "...", never "…".
func TestFitASCII(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Ni Made Sari", "Ni Made Sari"},
		{"I Wayan Sudarma Putra Wijaya", "I Wayan Sudarma Put..."},
		{"Ni Luh Putu Ayu Sukert", "Ni Luh Putu Ayu Sukert"},
		{"Ñyoman", "?yoman"},
	} {
		if got := fitASCII(c.in, 22); got != c.want {
			t.Errorf("fitASCII(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
