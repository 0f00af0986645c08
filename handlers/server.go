// Package handlers serves the JSON API and the web pages over gin.
package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/models/search"
	"onewindow/notify"
	"onewindow/policies"
	"onewindow/web"
	"onewindow/workflow"
)

// Config holds what the handlers need; cmd/onewindow builds it.
type Config struct {
	Store  *models.Store
	Site   *web.Site
	Logger *slog.Logger
	Demo   bool // the catalogue is demonstration data; pages say so
	// Files keeps uploaded files (a folder, or an S3-compatible store: s3files.OpenFileStore);
	// nil means the folder FilesDir.
	Files models.FileStore
	// FilesDir holds uploaded files when Files is nil; empty means "files" next to the database.
	FilesDir string
	// UploadLimit is the largest accepted upload in bytes; 0 means 10 MB.
	UploadLimit int64
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// TrustedProxies are the addresses or CIDR ranges of the reverse proxies in front of
	// the server, whose X-Forwarded-For names the client; none by default, so the client
	// is the connection's address and a header cannot choose it.
	TrustedProxies []string
	// PublicURL is the address people reach the site at (https://… behind a TLS proxy);
	// with https every cookie is Secure and the answers carry Strict-Transport-Security.
	PublicURL string
	// RectificationDays is the working days a department has to close the
	// rectification case of a 差评; 0 means 15.
	RectificationDays int
	// CardEscalationDays is how many working days a red card (红牌) may stand on an
	// open task before it is listed as escalated to the department head; 0 means 3.
	CardEscalationDays int
	// FilingsPerHour caps the online filings (single or 一件事, page or API) from one client
	// address in an hour; staff who register at the window are not counted. 0: no cap.
	FilingsPerHour int
	// PasswordMaxAge is how long a password lasts: its owner is warned in the last 14 days,
	// and a member of staff whose password is older may do nothing but change it (citizens
	// are warned only). 0: passwords do not expire.
	PasswordMaxAge time.Duration
	// MetricsToken, when set, is the bearer token /metrics asks of every scraper;
	// empty: /metrics answers loopback connections only.
	MetricsToken string
	// PaymentSecret is the HMAC-SHA256 key of the payment platform's signed
	// callbacks (POST /api/v1/payments/callback); empty: every callback is refused.
	PaymentSecret string
	// Senders deliver the outbox's messages by channel ("sms", "email"); a
	// channel without one fails its messages with that reason.
	Senders map[string]notify.Sender
}

// Server is the HTTP side of OneWindow.
//
// Every cache here (search index, reference, published items, catalogue
// answers, calendar, authorizer, work-list pages) is rebuilt from the
// store's change signal (models.Store.Changes): before each request the
// server compares the store's stamp with the one its caches were built from
// and rebuilds what changed. No handler reloads anything after a write; a
// write made by this process is in the stamp when the store returns, one
// made by another process (the onewindow command, another instance) within
// about a second.
type Server struct {
	store  *models.Store
	site   *web.Site
	log    *slog.Logger
	demo   bool
	search *search.Live
	cal    atomic.Pointer[workflow.Calendar]
	ref    atomic.Pointer[reference]
	// forms keeps the compiled application form of each item version.
	forms  service.FormCache
	items  atomic.Pointer[sync.Map] // published item code → *models.Item, emptied when the catalogue changes
	engine *gin.Engine

	// bundles keeps each published bundle's merged form.
	bundles service.BundleCache

	built   atomic.Pointer[models.ChangeStamp] // the store's change stamp the caches were built from
	rebuild sync.Mutex                         // one rebuild at a time
	retryAt atomic.Int64                       // after a failed rebuild, no new try before this time (Unix ns)

	authz *policies.Authorizer

	settings atomic.Pointer[models.SiteSettings] // the site settings every page shows

	files         models.FileStore
	uploadLimit   int64
	now           func() time.Time
	secure        bool     // served over https (PublicURL): Secure cookies, HSTS
	codeLimiter   *limiter // wrong query codes per client and application number
	numberLimiter *limiter // wrong query codes per application number, from every client
	logins        *loginThrottle
	pages         *pageCache
	answers       *fifoCache[searchKey, []byte] // catalogue list answers, until the catalogue changes
	imports       *importJobs                   // the page's background imports
	rectifyDays   int                           // Config.RectificationDays
	escalateDays  int                           // Config.CardEscalationDays
	filings       *limiter                      // online filings per client address (Config.FilingsPerHour); nil: no cap
	// maxPasswordAge is Config.PasswordMaxAge (0: no expiry).
	maxPasswordAge time.Duration
	paymentSecret  []byte             // Config.PaymentSecret
	metrics        *metrics           // the Prometheus registry of this server (metrics.go)
	dispatcher     *notify.Dispatcher // sends the outbox (outbox.go)
}

// reference is the small, read-mostly data that validates filters and labels
// pages: departments and item types. It is rebuilt with the search index.
type reference struct {
	mainItems map[string]bool // codes of main items (主项) with retained sub-items
	depts     []models.DepartmentCount
	deptByKey map[string]models.DepartmentCount
	types     []models.ItemType
	typeByKey map[string]models.ItemType
}

// New builds the server and loads the catalogue index and calendar.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Site == nil {
		return nil, fmt.Errorf("handlers: store and site are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if _, err := openAPIOnce(); err != nil {
		return nil, err
	}
	s := &Server{store: cfg.Store, site: cfg.Site, log: cfg.Logger, demo: cfg.Demo, search: search.NewLive(search.New(nil, nil)),
		now: cfg.Now, uploadLimit: cfg.UploadLimit, pages: newPageCache(),
		answers: newFIFOCache[searchKey, []byte](answersCacheSize), imports: newImportJobs(),
		rectifyDays: cfg.RectificationDays, escalateDays: cfg.CardEscalationDays}
	if s.now == nil {
		s.now = time.Now
	}
	s.maxPasswordAge = cfg.PasswordMaxAge
	s.paymentSecret = []byte(cfg.PaymentSecret)
	s.dispatcher = s.newDispatcher(cfg.Senders)
	// The rate limits count in the database, so every instance on it counts the same.
	rates := newStoreRates(cfg.Store, cfg.Logger)
	s.codeLimiter = newSharedLimiter(rates, "code:", 10, time.Minute)
	s.numberLimiter = newSharedLimiter(rates, "number:", 100, time.Hour)
	s.logins = &loginThrottle{rates: rates}
	if cfg.FilingsPerHour > 0 {
		s.filings = newSharedLimiter(rates, "filing:", cfg.FilingsPerHour, filingCapWindow)
	}
	if cfg.PublicURL != "" {
		u, err := url.Parse(cfg.PublicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("handlers: the public URL %q is not an http(s) address", cfg.PublicURL)
		}
		s.secure = u.Scheme == "https"
	}
	if s.uploadLimit <= 0 {
		s.uploadLimit = 10 << 20
	}
	if cfg.FilesDir == "" {
		cfg.FilesDir = filepath.Join(filepath.Dir(cfg.Store.Path()), "files")
	}
	var err error
	if s.files = cfg.Files; s.files == nil {
		if s.files, err = models.NewFiles(cfg.FilesDir); err != nil {
			return nil, err
		}
	}
	if err = s.refresh(ctx); err != nil {
		return nil, err
	}
	s.metrics = newMetrics(s, cfg.MetricsToken)
	if s.engine, err = s.routes(cfg.TrustedProxies); err != nil {
		return nil, err
	}
	return s, nil
}

// Handler is the server's http.Handler. It brings the caches up to the
// store's change signal before each request.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.refresh(r.Context()); err != nil {
			s.log.Warn("caches kept stale", "err", err)
		}
		if s.serveMetrics(w, r) {
			return
		}
		s.engine.ServeHTTP(w, r)
	})
}

// Engine exposes the gin engine for route inspection in tests.
func (s *Server) Engine() *gin.Engine { return s.engine }

// refresh rebuilds the caches whose area changed since they were built (all
// of them the first time). The stamp is read before the data, so what is
// read is at least as new as the stamp kept. A failed rebuild keeps the old
// stamp and the caches as they were; it is tried again a second later, and
// requests meanwhile are answered from the old caches.
func (s *Server) refresh(ctx context.Context) error {
	b := s.built.Load()
	if b != nil && (*b == s.store.Changes() || time.Now().UnixNano() < s.retryAt.Load()) {
		return nil
	}
	ctx = context.WithoutCancel(ctx) // other requests may be waiting for this rebuild
	s.rebuild.Lock()
	defer s.rebuild.Unlock()
	now, b := s.store.Changes(), s.built.Load()
	if b != nil && *b == now {
		return nil
	}
	if err := s.rebuildCaches(ctx, b, now); err != nil {
		s.retryAt.Store(time.Now().Add(time.Second).UnixNano())
		return err
	}
	s.built.Store(&now)
	return nil
}

// rebuildCaches rebuilds what changed between the stamps was and now (all
// of it when was is nil).
func (s *Server) rebuildCaches(ctx context.Context, was *models.ChangeStamp, now models.ChangeStamp) error {
	first := was == nil
	catalogue := first || was.Catalogue != now.Catalogue
	calendar := first || was.Calendar != now.Calendar
	access := first || was.Access != now.Access
	site := first || was.Site != now.Site
	if catalogue {
		if err := s.loadCatalogue(ctx); err != nil {
			return err
		}
	}
	if calendar {
		if err := s.loadCalendar(ctx); err != nil {
			return err
		}
	}
	if access {
		if err := s.loadAuthorizer(ctx); err != nil {
			return err
		}
	}
	if site {
		if err := s.loadSite(ctx); err != nil {
			return err
		}
	}
	if catalogue || calendar || access || site {
		s.pages.clear() // pages show items, count working days, list the departments roles allow and the site settings
	}
	return nil
}

// loadCatalogue rebuilds the search index and reference data and forgets
// the published items and catalogue answers.
func (s *Server) loadCatalogue(ctx context.Context) error {
	entries, err := s.store.SearchEntries(ctx)
	if err != nil {
		return err
	}
	depts, err := s.store.Departments(ctx)
	if err != nil {
		return err
	}
	types, err := s.store.ItemTypes(ctx)
	if err != nil {
		return err
	}
	stored, err := s.store.SearchAliases(ctx)
	if err != nil {
		return err
	}
	aliases := make([]search.Alias, len(stored))
	for i, a := range stored {
		aliases[i] = search.Alias{Term: a.Term, Targets: a.Targets}
	}
	ref := &reference{depts: depts, types: types,
		deptByKey: make(map[string]models.DepartmentCount, len(depts)), typeByKey: make(map[string]models.ItemType, len(types))}
	for _, d := range depts {
		ref.deptByKey[d.Code] = d
	}
	ref.mainItems = mainItems(entries)
	for _, t := range types {
		ref.typeByKey[t.Code] = t
	}
	s.ref.Store(ref)
	s.search.Swap(search.New(entries, aliases))
	s.items.Store(new(sync.Map))
	s.answers.clear()
	return nil
}

// loadCalendar reads the working-day calendar again.
func (s *Server) loadCalendar(ctx context.Context) error {
	days, err := s.store.CalendarDays(ctx)
	if err != nil {
		return err
	}
	years, err := s.store.CalendarYears(ctx)
	if err != nil {
		return err
	}
	cal, err := workflow.NewCalendar(days)
	if err != nil {
		return fmt.Errorf("handlers: calendar: %w", err)
	}
	s.cal.Store(cal.WithYears(coveredYears(cal, years)))
	return nil
}

// publishedItem returns a published item with its guide, from memory after
// the first read: every filing needs it, and reading it is a query with four
// preloads. A catalogue change forgets them all. The caller gets its own copy of the
// materials, which filing rewrites.
func (s *Server) publishedItem(ctx context.Context, code string) (*models.Item, error) {
	cache := s.items.Load()
	v, ok := cache.Load(code)
	if !ok {
		it, err := s.store.Item(ctx, code)
		if err != nil {
			return nil, err
		}
		v, _ = cache.LoadOrStore(code, it)
	}
	it := *v.(*models.Item)
	it.Materials = slices.Clone(it.Materials)
	return &it, nil
}

// secureCookie reports whether a cookie set on this request must be Secure: the site is
// public over https, or this request came over TLS.
func (s *Server) secureCookie(c *gin.Context) bool { return s.secure || c.Request.TLS != nil }

// api adapts an error-returning handler to gin and answers failures with the
// JSON error shape.
func (s *Server) api(h func(*gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			s.apiError(c, err)
		}
	}
}

func (s *Server) apiError(c *gin.Context, err error) {
	e := asError(err)
	if e.Status >= 500 {
		_ = c.Error(err)
	}
	c.AbortWithStatusJSON(e.Status, errorBody{Error: errorDetail{Code: e.Code, Message: e.Message, Fields: e.Fields}})
}

// page adapts an error-returning page handler to gin and renders failures as
// an error page in the visitor's language.
func (s *Server) page(h func(*gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			s.pageError(c, err)
		}
	}
}

func (s *Server) pageError(c *gin.Context, err error) {
	e := asError(err)
	lang := langOf(c)
	heading, msg := s.site.T(lang, "error.bad_request"), e.Message
	switch {
	case e.Status == http.StatusNotFound:
		heading, msg = s.site.T(lang, "error.not_found"), s.site.T(lang, "error.not_found_message")
	case e.Code == "csrf":
		heading, msg = s.site.T(lang, "error.forbidden"), s.site.T(lang, "error.csrf_message")
	case e.Status == http.StatusForbidden:
		heading, msg = s.site.T(lang, "error.forbidden"), s.site.T(lang, "error.forbidden_message")
	case e.Status >= 500:
		_ = c.Error(err)
		heading, msg = s.site.T(lang, "error.internal"), s.site.T(lang, "error.internal_message")
	case len(e.Fields) > 0:
		for f := range e.Fields {
			msg = s.site.T(lang, fieldMessageKey(f))
			break
		}
	}
	s.render(c, e.Status, "error", heading, "", errorPage{Status: e.Status, Heading: heading, Message: msg})
	c.Abort()
}

type errorPage struct {
	Status  int
	Heading string
	Message string
}

// fieldMessageKey names the locale message that explains a bad query field on a page.
func fieldMessageKey(field string) string {
	switch field {
	case "page", "page_size":
		return "error.invalid_page"
	case "type", "department", "status":
		return "error.invalid_" + field
	default:
		return "error.invalid_bool"
	}
}

// mainItems finds the main items (主项) among the published entries: those
// that retained sub-items of their department name as their main item.
func mainItems(entries []search.Entry) map[string]bool {
	named := make(map[string]bool)
	for _, e := range entries {
		if e.Disposition == models.DispositionRetained && e.MainName != "" && e.MainName != e.Name {
			named[e.DepartmentCode+"\x00"+e.MainName] = true
		}
	}
	out := make(map[string]bool)
	for _, e := range entries {
		if named[e.DepartmentCode+"\x00"+e.Name] {
			out[e.Code] = true
		}
	}
	return out
}
