// Package card makes the membership card: a printable PDF (credit-card size) and a PNG, each
// with a QR code that encodes a signed verification link. Anyone who scans it sees whether
// the card is genuine and the coverage status, and nothing personal beyond the name.
package card

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"strings"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/perisai/perisai/internal/participant"
)

// Signer signs and checks verification tokens; secret.Keys is one.
type Signer interface {
	Sign(msg string) string
	Verify(msg, sig string) bool
}

// Token is the verification token printed on a card: the participant number and a signature.
func Token(s Signer, kpj string) string { return kpj + "." + s.Sign("card:"+kpj) }

// Check returns the participant number of a genuine token, or false for a forged or altered one.
func Check(s Signer, token string) (string, bool) {
	kpj, sig, ok := strings.Cut(token, ".")
	if !ok || !participant.ValidKPJ(kpj) || !s.Verify("card:"+kpj, sig) {
		return "", false
	}
	return kpj, true
}

// Data is what a card shows.
type Data struct {
	Name      string
	KPJ       string
	NIKMasked string
	Programs  participant.Programs
	VerifyURL string
}

func programs(p participant.Programs) string {
	var out []string
	if p.JKK {
		out = append(out, "JKK")
	}
	if p.JKM {
		out = append(out, "JKM")
	}
	if p.JHT {
		out = append(out, "JHT")
	}
	return strings.Join(out, " + ")
}

// qrImage is the code on a white square of size px, with the quiet zone of four modules on
// every side that readers need (a code printed edge to edge is misread now and then).
func qrImage(url string, size int) (image.Image, error) {
	code, err := qr.Encode(url, qr.M, qr.Auto)
	if err != nil {
		return nil, fmt.Errorf("qr: %w", err)
	}
	n := code.Bounds().Dx()
	module := max(1, size/(n+8))
	scaled, err := barcode.Scale(code, module*n, module*n)
	if err != nil {
		return nil, fmt.Errorf("qr: %w", err)
	}
	out := image.NewGray(image.Rect(0, 0, size, size))
	draw.Draw(out, out.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	at := (size - module*n) / 2
	draw.Draw(out, image.Rect(at, at, at+module*n, at+module*n), scaled, scaled.Bounds().Min, draw.Src)
	return out, nil
}

// PDF writes the card as a one-page PDF of 85.6 × 54 mm.
func PDF(w io.Writer, d Data) error {
	q, err := qrImage(d.VerifyURL, 300)
	if err != nil {
		return err
	}
	var qrPNG bytes.Buffer
	if err := png.Encode(&qrPNG, q); err != nil {
		return err
	}
	// A card is 85.6 mm wide and 54 mm high. The size is given as it stands ("P": fpdf swaps
	// width and height for "L", which stood the card on its end and put the QR off the page).
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", Size: fpdf.SizeType{Wd: 85.6, Ht: 54}, OrientationStr: "P"})
	pdf.SetMargins(4, 4, 4)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddPage()
	tr := pdf.UnicodeTranslatorFromDescriptor("cp1252")
	pdf.SetFillColor(10, 110, 79)
	pdf.Rect(0, 0, 85.6, 11, "F")
	pdf.SetTextColor(255, 255, 255)
	pdf.SetFont("Helvetica", "B", 10)
	pdf.Text(4, 5.5, "BPJS Ketenagakerjaan")
	pdf.SetFont("Helvetica", "", 7)
	pdf.Text(4, 9, "Kartu Peserta BPU - Perisai")
	pdf.SetTextColor(28, 36, 48)
	pdf.SetFont("Helvetica", "B", 9)
	pdf.Text(4, 18, tr(truncate(d.Name, 30)))
	pdf.SetFont("Helvetica", "", 7)
	pdf.Text(4, 24, "No. Peserta (KPJ)")
	pdf.SetFont("Courier", "B", 10)
	pdf.Text(4, 28.5, d.KPJ)
	pdf.SetFont("Helvetica", "", 7)
	pdf.Text(4, 34, "NIK")
	pdf.SetFont("Courier", "", 8)
	pdf.Text(4, 38, d.NIKMasked)
	pdf.SetFont("Helvetica", "", 7)
	pdf.Text(4, 44, "Program")
	pdf.SetFont("Helvetica", "B", 8)
	pdf.Text(4, 48, programs(d.Programs))
	pdf.RegisterImageOptionsReader("qr", fpdf.ImageOptions{ImageType: "PNG"}, &qrPNG)
	pdf.ImageOptions("qr", 53, 15, 29, 29, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	pdf.SetFont("Helvetica", "", 5)
	pdf.Text(55, 47, "Pindai untuk memeriksa")
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("card pdf: %w", err)
	}
	return pdf.Output(w)
}

// PNG writes the card as a 856 × 540 image (10 px per mm).
func PNG(w io.Writer, d Data) error {
	img := image.NewRGBA(image.Rect(0, 0, 856, 540))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	brand := color.RGBA{10, 110, 79, 255}
	draw.Draw(img, image.Rect(0, 0, 856, 110), image.NewUniform(brand), image.Point{}, draw.Src)
	// 260 px leaves the QR a quiet zone of four modules or more on every side (the green band
	// above, the name to the left, the caption below): readers need it, and with the caption
	// 10 px under a larger code a reader now and then misread it.
	q, err := qrImage(d.VerifyURL, 260)
	if err != nil {
		return err
	}
	draw.Draw(img, image.Rect(550, 140, 810, 400), q, image.Point{}, draw.Src)
	text := func(x, y int, s string, c color.Color, scale int) {
		// basicfont is small; draw each glyph scaled up by repeating pixels.
		src := image.NewRGBA(image.Rect(0, 0, 7*len(s)+2, 16))
		dr := font.Drawer{Dst: src, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(1, 12)}
		dr.DrawString(s)
		b := src.Bounds()
		for yy := b.Min.Y; yy < b.Max.Y; yy++ {
			for xx := b.Min.X; xx < b.Max.X; xx++ {
				if _, _, _, a := src.At(xx, yy).RGBA(); a > 0 {
					draw.Draw(img, image.Rect(x+xx*scale, y+yy*scale, x+(xx+1)*scale, y+(yy+1)*scale), image.NewUniform(c), image.Point{}, draw.Src)
				}
			}
		}
	}
	ink := color.RGBA{28, 36, 48, 255}
	text(30, 20, "BPJS Ketenagakerjaan", color.White, 3)
	text(30, 70, "Kartu Peserta BPU - Perisai", color.White, 2)
	text(30, 140, fitASCII(d.Name, 22), ink, 3)
	text(30, 220, "No. Peserta (KPJ)", ink, 2)
	text(30, 255, d.KPJ, ink, 3)
	text(30, 320, "NIK "+d.NIKMasked, ink, 2)
	text(30, 380, "Program", ink, 2)
	text(30, 415, programs(d.Programs), ink, 3)
	text(526, 415, "Pindai untuk memeriksa", ink, 2) // centred under the code, inside the card
	return png.Encode(w, img)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// fitASCII is s in at most n characters the bitmap font draws: a longer s is cut and ends in
// "..." (the font has no "…").
func fitASCII(s string, n int) string {
	s = asciiOnly(s)
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}

// asciiOnly keeps what the bitmap font can draw.
func asciiOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 32 || r > 126 {
			return '?'
		}
		return r
	}, s)
}

// QRPNG is a QR code of url as a PNG image of size × size pixels, for receipts and pages.
func QRPNG(url string, size int) ([]byte, error) {
	q, err := qrImage(url, size)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	err = png.Encode(&b, q)
	return b.Bytes(), err
}
