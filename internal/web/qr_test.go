package web_test

import (
	"image"
	"image/png"
	"net/http"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
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

// readQR reads the text of the QR code in an image.
func readQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.GetText()
}
