package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The crash test (security issue 16): the real binary serves payments from many clients at
// once and is killed with SIGKILL in the middle. Started again on the same data, every payment
// it acknowledged is there exactly once, a retry of an acknowledged key replays the first
// answer, a retry of a key left without an answer is refused or taken once, never twice, and
// the ledger verifies. On SQLite and on PostgreSQL.
func TestKilledMidLoadLosesNothing(t *testing.T) {
	bin := binary(t)
	databases(t, func(t *testing.T, db string) {
		data := t.TempDir()
		base := []string{"--database", db, "--data", data}
		srv := startServer(t, bin, append([]string{"serve", "--demo", "--addr", "127.0.0.1:0"}, base...))
		c := &apiClient{base: srv.url, token: addToken(t, bin, base)}
		parts := demoParticipants(t, c)

		// 16 clients, each paying one month at a time for its own participants, under keys of
		// its own, until the server dies.
		type attempt struct {
			key, body string
			id        int64 // the payment acknowledged, 0 if none
		}
		var mu sync.Mutex
		var tries []attempt
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for w := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 0; ; n++ {
					select {
					case <-stop:
						return
					default:
					}
					p := parts[(w+16*n)%len(parts)]
					a := attempt{key: fmt.Sprintf("crash-%d-%d", w, n), body: fmt.Sprintf(`{"participant_id": %d, "months": 1}`, p)}
					var got struct {
						ID int64 `json:"id"`
					}
					if code := c.call("POST", "/api/v1/payments", a.key, strings.NewReader(a.body), &got); code == 201 {
						a.id = got.ID
					} else if code == 0 {
						mu.Lock()
						tries = append(tries, a) // cut off: the answer never came
						mu.Unlock()
						return
					}
					mu.Lock()
					tries = append(tries, a)
					mu.Unlock()
				}
			}()
		}
		time.Sleep(1500 * time.Millisecond)
		srv.kill(t)
		close(stop)
		wg.Wait()
		acked := 0
		for _, a := range tries {
			if a.id != 0 {
				acked++
			}
		}
		if acked < 50 {
			t.Fatalf("only %d payments acknowledged before the kill", acked)
		}

		// Start again on the same data.
		srv = startServer(t, bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, base...))
		c.base = srv.url
		seen := map[int64]bool{}
		for _, a := range tries {
			var got struct {
				ID int64 `json:"id"`
			}
			code := c.call("POST", "/api/v1/payments", a.key, strings.NewReader(a.body), &got)
			switch {
			case a.id != 0 && (code != 201 || got.ID != a.id):
				t.Errorf("acknowledged key %s: retry answered %d with payment %d, want the replay of %d", a.key, code, got.ID, a.id)
			case a.id == 0 && code != 201 && code != 409 && code != 400:
				t.Errorf("unanswered key %s: retry answered %d", a.key, code)
			}
			if a.id != 0 {
				if code := c.call("GET", fmt.Sprintf("/api/v1/payments/%d", a.id), "", nil, nil); code != 200 {
					t.Errorf("acknowledged payment %d is gone: %d", a.id, code)
				}
				if seen[a.id] {
					t.Errorf("payment %d acknowledged twice", a.id)
				}
				seen[a.id] = true
			}
		}
		// Exactly once: each participant's payments are the acknowledged ones plus at most the
		// unanswered attempts, each once.
		count := map[int64]int{}
		for _, p := range parts {
			var pays struct {
				Items []struct {
					ID int64 `json:"id"`
				} `json:"items"`
			}
			if code := c.call("GET", fmt.Sprintf("/api/v1/participants/%d/payments", p), "", nil, &pays); code != 200 {
				t.Fatalf("payments of %d: %d", p, code)
			}
			for _, x := range pays.Items {
				count[x.ID]++
			}
		}
		for id := range seen {
			if count[id] != 1 {
				t.Errorf("acknowledged payment %d listed %d times", id, count[id])
			}
		}
		srv.stop(t)
		out, err := exec.Command(bin, append([]string{"ledger", "verify"}, base...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("ledger verify after the crash: %v\n%s", err, out)
		}
		t.Logf("%d payments acknowledged before SIGKILL (%d attempts refused or cut off); all found once, ledger clean", acked, len(tries)-acked)
	})
}

type server struct {
	cmd  *exec.Cmd
	url  string
	logs *lockedBuffer // what it wrote to stderr (its log)
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServer runs the binary and waits for the address it listens on.
func startServer(t *testing.T, bin string, args []string) *server {
	t.Helper()
	cmd := exec.Command(bin, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, logs: logs}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		re := regexp.MustCompile(`listening on (http://\S+)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case s.url = <-found:
	case <-time.After(2 * time.Minute):
		t.Fatal("the server did not start")
	}
	return s
}

func (s *server) kill(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = s.cmd.Wait()
}

func (s *server) stop(t *testing.T) {
	t.Helper()
	_ = s.cmd.Process.Signal(os.Interrupt)
	_ = s.cmd.Wait()
}

type apiClient struct {
	base, token string
}

var crashHTTP = &http.Client{Timeout: 20 * time.Second}

// call sends one request; 0 means no answer came (the server died).
func (c *apiClient) call(method, path, key string, body io.Reader, into any) int {
	req, _ := http.NewRequestWithContext(context.Background(), method, c.base+path, body)
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := crashHTTP.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0
	}
	if into != nil && resp.StatusCode < 300 {
		_ = json.NewDecoder(bytes.NewReader(b)).Decode(into)
	}
	return resp.StatusCode
}
