// Package web is Perisai's HTTP surface: the JSON API under /api/v1 with its OpenAPI document,
// the mobile-first web UI, and the operational endpoints. Handlers are thin: they decode, call
// access.Authorize and the store, and encode. Every route stands in routes.go.
package web

import (
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzhttp"

	"github.com/perisai/perisai/internal/bulkimport"
	"github.com/perisai/perisai/internal/region"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/secret"
	"github.com/perisai/perisai/internal/store"
)

// Config is what the server needs from its caller.
type Config struct {
	DB            *store.DB
	Keys          *secret.Keys
	Log           *slog.Logger
	SecureCookies bool          // set the Secure flag on cookies (behind TLS)
	SessionTTL    time.Duration // default 12 hours: a working day in the field
	Rules         *rules.Set    // default: the embedded rules
	// ReloadRules checks the database every RulesEvery (default a minute) for a rules file
	// loaded meanwhile (perisai rules load) and puts it in force without a restart.
	ReloadRules bool
	RulesEvery  time.Duration
	// PublicURL is the address printed in card QR codes (https://perisai.example.id); empty means
	// the address the request came to.
	PublicURL string
	// NoGroupCommit takes each payment in a transaction of its own (for comparison in the
	// benchmark); by default concurrent payments share commits.
	NoGroupCommit bool
	// Writers is how many group-commit writers run side by side on PostgreSQL (SQLite has one);
	// 0 means the store's default (store.NewPayer).
	Writers int
	// ImportLimits bound one import file (rows, unzipped size); zero fields take
	// bulkimport.DefaultLimits.
	ImportLimits bulkimport.Limits
	// MetricsToken, when set, is the bearer token GET /metrics asks for; when empty /metrics is
	// not served on this handler (serve it on a listener of its own: MetricsHandler).
	MetricsToken string
}

// Server serves every Perisai surface.
type Server struct {
	db           *store.DB
	keys         *secret.Keys
	log          *slog.Logger
	tree         *region.Tree
	pages        map[string]*template.Template
	metrics      *metrics
	logins       *limiter // per (username, address): delays from the 6th failure
	addrs        *limiter // per address: only past 100 failures
	secure       bool
	ttl          time.Duration
	rules        atomic.Pointer[rules.Set]
	public       string
	handler      http.Handler
	bg           sync.WaitGroup // background work (imports) that shutdown waits for
	payer        *store.Payer   // group commit for payments; nil when disabled
	stop         context.CancelFunc
	tokens       tokenCache
	imports      importSlots
	limits       bulkimport.Limits
	metricsToken string
}

// New builds a server; it fails only on a broken build (templates, OpenAPI document).
func New(cfg Config) (*Server, error) {
	tree, err := region.Default()
	if err != nil {
		return nil, err
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &Server{
		db: cfg.DB, keys: cfg.Keys, log: cfg.Log, tree: tree, pages: pages,
		metrics: newMetrics(), logins: newLimiter(cfg.DB, "u:", 5, time.Second, 15*time.Minute, time.Hour), addrs: newLimiter(cfg.DB, "a:", 100, 15*time.Minute, time.Hour, time.Hour),
		secure: cfg.SecureCookies, ttl: cfg.SessionTTL, public: cfg.PublicURL,
		limits: cfg.ImportLimits, metricsToken: cfg.MetricsToken,
	}
	s.metrics.watchReplica(cfg.DB.ReplicaLag)
	if cfg.Rules == nil {
		cfg.Rules = rules.Default()
	}
	s.rules.Store(cfg.Rules)
	var ctx context.Context
	ctx, s.stop = context.WithCancel(context.Background())
	if !cfg.NoGroupCommit {
		s.payer = cfg.DB.NewPayer(ctx, cfg.Rules, cfg.Writers, 256)
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if cfg.ReloadRules {
		every := cfg.RulesEvery
		if every <= 0 {
			every = time.Minute
		}
		go s.reloadRules(ctx, every) // ends with the server (Wait)
	}
	if s.ttl == 0 {
		s.ttl = 12 * time.Hour
	}
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.pattern, rt.handler)
	}
	// Cross-origin unsafe requests from browsers are refused before anything else looks at them;
	// the per-session CSRF token (auth.go) covers browsers that send no Origin or Sec-Fetch-Site.
	cop := http.NewCrossOriginProtection()
	// Answers of 1 KiB or more go out compressed when the client takes it (gzip, or zstd): a
	// village phone on a weak signal downloads a list page at a fifth of its size. Images, PDFs
	// and workbooks are compressed already and pass as they are. Forms' CSRF tokens are masked
	// afresh in every page, so compression gives nothing away (BREACH; secret.CSRFToken).
	gz, err := gzhttp.NewWrapper(gzhttp.MinSize(1024))
	if err != nil {
		return nil, err
	}
	s.handler = s.observe(s.guard(gz(cop.Handler(mux))))
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// rs is the rules file in force.
func (s *Server) rs() *rules.Set { return s.rules.Load() }

// Rules is the rules file in force, for the jobs that run beside the server.
func (s *Server) Rules() *rules.Set { return s.rs() }

// reloadRules puts in force a rules file loaded while the server runs, until ctx ends.
func (s *Server) reloadRules(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		v, err := s.db.ActiveRulesVersion(ctx)
		if err != nil || v == s.rs().Version {
			if err != nil && ctx.Err() == nil {
				s.log.Error("rules: check for a new version", "err", err)
			}
			continue
		}
		rs, err := s.db.ActiveRules(ctx)
		if err != nil {
			s.log.Error("rules: load the new version", "version", v, "err", err)
			continue
		}
		s.rules.Store(rs)
		if s.payer != nil {
			s.payer.SetRules(rs)
		}
		s.log.Info("rules in force", "version", rs.Version)
	}
}

// PayerStats tells where the group-commit writers' time went; false without group commit.
func (s *Server) PayerStats() (store.PayerStats, bool) {
	if s.payer == nil {
		return store.PayerStats{}, false
	}
	return s.payer.Stats(), true
}

// Wait blocks until background work (running imports) has stopped and stops the payment
// writer; call it after the HTTP server has shut down.
func (s *Server) Wait() {
	s.bg.Wait()
	s.stop()
}
