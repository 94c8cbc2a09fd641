package web_test

import (
	"image"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/perisai/perisai/internal/store/storetest"
)

// qrFromCard downloads a participant's card image (as the admin, who sees every one) and reads its QR code.
func qrFromCard(t *testing.T, e *env, kpj string) string {
	t.Helper()
	a := e.api("admin")
	found := a.mustStatus(200, "GET", "/api/v1/participants?q="+kpj, nil)["items"].([]any)
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/participants/"+idOf(found[0].(map[string]any)["id"])+"/card.png", nil)
	req.Header.Set("Authorization", "Bearer "+a.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	img, err := png.Decode(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return readQR(t, img)
}

// readQR reads the text of the QR code in an image. gozxing, unlike a phone's scanner, misreads
// about one printed code in forty (a finder pattern misplaced, or a Reed-Solomon failure): it
// is given the image as it is, twice as large, and turned a quarter and a half, with each of
// its two binarizers, and the code counts as read if any of them reads it.
func readQR(t *testing.T, img image.Image) string {
	t.Helper()
	text, err := decodeQR(img)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func decodeQR(img image.Image) (string, error) {
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	var first error
	for _, im := range []image.Image{img, double(img), turn(img), turn(turn(img))} {
		src := gozxing.NewLuminanceSourceFromImage(im)
		for _, bin := range []gozxing.Binarizer{gozxing.NewHybridBinarizer(src), gozxing.NewGlobalHistgramBinarizer(src)} {
			bmp, err := gozxing.NewBinaryBitmap(bin)
			if err != nil {
				return "", err
			}
			res, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
			if err == nil {
				return res.GetText(), nil
			}
			if first == nil {
				first = err
			}
		}
	}
	return "", first
}

// turn is img turned a quarter clockwise.
func turn(img image.Image) image.Image {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dy(), b.Dx()))
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out.Set(b.Max.Y-1-y, x-b.Min.X, img.At(x, y))
		}
	}
	return out
}

// double is img at twice its size, each pixel a square of four.
func double(img image.Image) image.Image {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, 2*b.Dx(), 2*b.Dy()))
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := img.At(x, y)
			for _, d := range [][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
				out.Set(2*(x-b.Min.X)+d[0], 2*(y-b.Min.Y)+d[1], c)
			}
		}
	}
	return out
}

// pdfQR prints a PDF to an image as a printer would (pdftoppm, 300 dpi) and reads the QR code
// on its page: a code that lies off the page, or too close to its edge, is not found.
func pdfQR(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftoppm is not installed (CI installs poppler-utils in .ci/run)")
		}
		t.Skip("pdftoppm not installed (apt-get install poppler-utils)")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-png", "-r", "300", "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return readQR(t, img)
}

// Issue 17: the card's QR code, in the PDF and in the picture, lies inside the card and opens
// the public check; so does a printed receipt's.
func TestPrintedCodesOpenTheirCheck(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	agent := e.api("agen.made")
	w := agent.mustStatus(201, "POST", "/api/v1/participants", registration("5103021203850991", agentVillage(t, agent)), "Idempotency-Key", "q1")
	id := idOf(w["id"])
	resp, pdf := agent.raw("GET", "/api/v1/participants/"+id+"/card.pdf")
	if resp.StatusCode != 200 {
		t.Fatalf("card pdf: %d", resp.StatusCode)
	}
	anon := e.browser()
	for what, link := range map[string]string{"card PDF": pdfQR(t, []byte(pdf)), "card PNG": qrFromCard(t, e, w["kpj"].(string))} {
		u, err := url.Parse(link)
		if err != nil || !strings.HasPrefix(u.Path, "/verify/") {
			t.Fatalf("%s QR holds %q", what, link)
		}
		if resp, body := anon.get(u.Path); resp.StatusCode != 200 || !strings.Contains(body, w["kpj"].(string)) {
			t.Fatalf("%s QR opens %s: %d", what, u.Path, resp.StatusCode)
		}
	}
	pay := agent.mustStatus(201, "POST", "/api/v1/payments", map[string]any{"participant_id": w["id"], "months": 1}, "Idempotency-Key", "q2")
	resp, receipt := agent.raw("GET", "/api/v1/payments/"+idOf(pay["id"])+"/receipt.pdf")
	if resp.StatusCode != 200 {
		t.Fatalf("receipt pdf: %d", resp.StatusCode)
	}
	u, _ := url.Parse(pdfQR(t, []byte(receipt)))
	if resp, body := anon.get(u.Path); resp.StatusCode != 200 || !strings.Contains(body, pay["receipt_no"].(string)) {
		t.Fatalf("receipt QR opens %s: %d", u.Path, resp.StatusCode)
	}
}
