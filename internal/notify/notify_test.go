package notify_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/metrics"
	"github.com/alianza-pe/alianza/internal/metrics/metricstest"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/notify"
	"github.com/alianza-pe/alianza/internal/smtptest"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	gomail "github.com/emersion/go-message/mail"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// now is 10:00 in Lima on Friday 27 November 2026.
var now = time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)

type fixture struct {
	s                  *store.Store
	ana, ben, cleo, vi *model.User
	items              map[string]bson.ObjectID // by name
}

// newFixture: Ana (Cusco, Spanish, daily) owns commitments in every due
// state and has tasks; Ben (Loreto, English, weekly) owns one due in six
// days; Cleo has the digest off; Vi's account is disabled.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	s := storetest.Open(t)
	s.SetClock(func() time.Time { return now })
	ctx := context.Background()
	f := &fixture{s: s, items: map[string]bson.ObjectID{}}
	mk := func(email, name string, regions ...string) *model.User {
		u, err := s.CreateUser(ctx, model.SystemActor, model.NewUser{Email: email, Name: name, Role: model.RoleOfficer, Regions: regions}, "h")
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.ana, f.ben, f.cleo, f.vi = mk("ana@alianza.test", "Ana Quispe", "08"), mk("ben@alianza.test", "Ben Tello", "16"),
		mk("cleo@alianza.test", "Cleo", "08"), mk("vi@alianza.test", "Vi", "08")
	if _, err := s.UpdateUser(ctx, model.SystemActor, f.vi.ID, model.UserPatch{Disabled: ptr(true)}, ""); err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct {
		u            *model.User
		digest, lang string
	}{{f.ana, "daily", "es"}, {f.ben, "weekly", "en"}, {f.cleo, "off", "es"}, {f.vi, "daily", "es"}} {
		if _, err := s.UpdatePrefs(ctx, model.SystemActor, x.u.ID, model.PrefsPatch{Digest: &x.digest, Lang: &x.lang}); err != nil {
			t.Fatal(err)
		}
	}
	st := model.Stakeholder{ID: bson.NewObjectID(), Kind: model.KindLegislator, Name: "Rosa Huamán", Regions: []string{"08", "16"}, Stance: "unknown", Influence: "medium"}
	boss := model.Actor{ID: bson.NewObjectID(), Email: "jefa@alianza.test", Name: "La Jefa"}
	com := func(name string, owner *model.User, region, due, status string, history ...model.StatusChange) model.Commitment {
		id := bson.NewObjectID()
		f.items[name] = id
		if history == nil {
			history = []model.StatusChange{{Status: status, At: now.AddDate(0, -1, 0), By: owner.ID}}
		}
		return model.Commitment{ID: id, StakeholderID: st.ID, StakeholderName: st.Name, StakeholderKind: st.Kind, Text: name, Type: "legislative",
			Region: region, MadeOn: "2026-10-01", DueOn: due, Status: status, History: history, OwnerID: owner.ID, Version: 1}
	}
	d := store.Dataset{Stakeholders: []model.Stakeholder{st}, Commitments: []model.Commitment{
		com("vencido", f.ana, "08", "2026-11-20", model.StatusPending),
		com("vence hoy", f.ana, "08", "2026-11-27", model.StatusInProgress),
		com("vence pronto", f.ana, "08", "2026-11-29", model.StatusPending),
		com("vence lejos", f.ana, "08", "2026-12-15", model.StatusPending),
		com("cumplido", f.ana, "08", "2026-11-01", model.StatusFulfilled),
		com("fuera de región", f.ana, "16", "2026-11-20", model.StatusPending),
		com("cambiado por otra", f.ana, "08", "2027-02-01", model.StatusInProgress,
			model.StatusChange{Status: model.StatusPending, At: now.AddDate(0, -1, 0), By: f.ana.ID},
			model.StatusChange{Status: model.StatusInProgress, At: now.Add(-48 * time.Hour), By: boss.ID, ByName: boss.Name}),
		com("next week", f.ben, "16", "2026-12-03", model.StatusPending),
		com("vi's", f.vi, "08", "2026-11-20", model.StatusPending),
	}, Tasks: []model.Task{
		{ID: bson.NewObjectID(), Title: "Enviar acta", DueOn: "2026-11-26", AssigneeID: f.ana.ID, Region: "08", CreatedBy: f.ana.ID, Version: 1},
		{ID: bson.NewObjectID(), Title: "Tarea hecha", DueOn: "2026-11-26", AssigneeID: f.ana.ID, Region: "08", Done: true, CreatedBy: f.ana.ID, Version: 1},
	}}
	if _, err := s.LoadDataset(ctx, model.SystemActor, d); err != nil {
		t.Fatal(err)
	}
	return f
}

func ptr[T any](v T) *T { return &v }

func TestNotificationCentre(t *testing.T) {
	f := newFixture(t)
	items, err := notify.Compute(context.Background(), f.s, f.ana, now, notify.AppHorizon)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, it := range items {
		got[it.Title] += it.Kind + ";"
	}
	want := map[string]string{
		"Rosa Huamán: vencido": "overdue;", "Rosa Huamán: vence hoy": "due_today;", "Rosa Huamán: vence pronto": "due_soon;",
		"Rosa Huamán: cambiado por otra": "status_changed;", "Enviar acta": "overdue;",
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	for _, it := range items {
		if it.Kind == notify.KindStatusChanged && (it.By != "La Jefa" || it.Status != model.StatusInProgress) {
			t.Errorf("status change: %+v", it)
		}
	}
	if !slices.IsSortedFunc(items, func(a, b notify.Item) int { return b.At.Compare(a.At) }) {
		t.Error("not most recent first")
	}
}

// received parses the messages the server accepted, by recipient.
func received(t *testing.T, srv *smtptest.Server) map[string][]parsed {
	t.Helper()
	out := map[string][]parsed{}
	for _, m := range srv.Messages() {
		r, err := gomail.CreateReader(strings.NewReader(string(m.Data)))
		if err != nil {
			t.Fatal(err)
		}
		subject, _ := r.Header.Subject()
		p := parsed{subject: subject}
		for {
			part, err := r.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(part.Body)
			b = []byte(strings.ReplaceAll(string(b), "\r\n", "\n"))
			ct := part.Header.Get("Content-Type")
			if strings.HasPrefix(ct, "text/html") {
				p.html = string(b)
			} else if strings.HasPrefix(ct, "text/plain") {
				p.text = string(b)
			}
		}
		for _, to := range m.To {
			out[to] = append(out[to], p)
		}
	}
	return out
}

type parsed struct{ subject, text, html string }

func worker(f *fixture, srv *smtptest.Server, holder string) *notify.Worker {
	return &notify.Worker{Store: f.s, Holder: holder, PublicURL: "https://alianza.example.org/",
		Sender: notify.SMTP{Host: srv.Host, Port: srv.Port, User: smtptest.User, Password: smtptest.Password,
			From: "alianza@example.org", TLS: model.TLSStartTLS, TLSConfig: srv.ClientTLS, Timeout: 10 * time.Second}}
}

// TestDigestsOverStartTLS: two instances run a pass at the same time
// against a real SMTP server with STARTTLS and AUTH; every subscriber gets
// exactly one digest in their language; a second pass sends nothing.
func TestDigestsOverStartTLS(t *testing.T) {
	f := newFixture(t)
	srv := smtptest.Start(t, smtptest.StartTLS)
	ctx := context.Background()
	var wg sync.WaitGroup
	for _, holder := range []string{"instance-a", "instance-b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := worker(f, srv, holder).RunOnce(ctx); err != nil && !errors.Is(err, notify.ErrBusy) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	// Whichever instance lost the lease race finds the records and sends nothing more.
	if _, err := worker(f, srv, "instance-c").RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	got := received(t, srv)
	if len(got) != 2 || len(got["ana@alianza.test"]) != 1 || len(got["ben@alianza.test"]) != 1 {
		t.Fatalf("recipients: %v", keys(got))
	}
	ana := got["ana@alianza.test"][0]
	if ana.subject != "Alianza: 2 vencidos y 2 por vencer" {
		t.Errorf("subject %q", ana.subject)
	}
	for _, want := range []string{"Hola, Ana Quispe", "Cusco\n-----", "Vencido · Compromiso: Rosa Huamán: vencido (vence 2026-11-20)",
		"Vence hoy · Compromiso", "Por vencer · Compromiso: Rosa Huamán: vence pronto", "Vencido · Tarea: Enviar acta",
		"https://alianza.example.org/commitments/" + f.items["vencido"].Hex()} {
		if !strings.Contains(ana.text, want) {
			t.Errorf("Ana's text lacks %q:\n%s", want, ana.text)
		}
	}
	for _, not := range []string{"lejos", "cumplido", "fuera de región", "cambiado"} {
		if strings.Contains(ana.text, not) {
			t.Errorf("Ana's digest lists %q", not)
		}
	}
	if !strings.Contains(ana.html, `<a href="https://alianza.example.org/commitments/`+f.items["vence hoy"].Hex()+`">Rosa Huamán: vence hoy</a>`) {
		t.Errorf("Ana's HTML:\n%s", ana.html)
	}
	ben := got["ben@alianza.test"][0]
	if ben.subject != "Alianza: 1 coming due" || !strings.Contains(ben.text, "Hello Ben Tello") || !strings.Contains(ben.text, "Coming due · Commitment: Rosa Huamán: next week (due 2026-12-03)") {
		t.Errorf("Ben's digest: %q\n%s", ben.subject, ben.text)
	}
	runs, err := f.s.DigestRuns(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	for _, r := range runs {
		sent += r.Sent
	}
	if sent != 2 {
		t.Errorf("runs record %d sent: %+v", sent, runs)
	}
}

// TestDigestRetriedAfterSMTPFailure: a temporary SMTP error leaves the
// digest failed (shown in the runs), and the next pass sends it.
func TestDigestRetriedAfterSMTPFailure(t *testing.T) {
	f := newFixture(t)
	srv := smtptest.Start(t, smtptest.StartTLS)
	ctx := context.Background()
	srv.FailNext(2)
	w := worker(f, srv, "only")
	w.Metrics = metrics.New(metrics.Options{Store: f.s, Version: "test"})
	failures := func() float64 {
		v, _ := metricstest.ScrapeHandler(t, w.Metrics.Handler()).Value("alianza_digest_failures_total", nil)
		return v
	}
	res, err := w.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, r := range res {
		if r.Status == store.DigestFailed {
			failed++
			if !strings.Contains(r.Error, "451") {
				t.Errorf("error %q", r.Error)
			}
		}
	}
	if failed != 2 || len(srv.Messages()) != 0 {
		t.Fatalf("first pass: %+v", res)
	}
	runs, _ := f.s.DigestRuns(ctx, 1)
	if len(runs) != 1 || runs[0].Failed != 2 || len(runs[0].Errors) != 2 {
		t.Fatalf("run: %+v", runs)
	}
	if got := failures(); got != 2 {
		t.Errorf("alianza_digest_failures_total %v after the failed pass, want 2", got)
	}
	res, err = w.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].Status != store.DigestSent || res[1].Status != store.DigestSent || len(srv.Messages()) != 2 {
		t.Fatalf("retry: %+v", res)
	}
	if got := failures(); got != 2 {
		t.Errorf("alianza_digest_failures_total %v after the retry sent them, want still 2", got)
	}
	recs, _ := f.s.Digests(ctx, store.DigestSent, 10)
	for _, r := range recs {
		if r.Attempts != 2 {
			t.Errorf("%s attempts %d", r.ID, r.Attempts)
		}
	}
	// A new day is a new period: Ana's daily digest is due again, Ben's weekly one is not.
	tomorrow := now.Add(24 * time.Hour)
	f.s.SetClock(func() time.Time { return tomorrow })
	res, err = w.RunOnce(ctx)
	if err != nil || len(res) != 1 || res[0].Email != "ana@alianza.test" || res[0].Period != "daily/2026-11-28" {
		t.Fatalf("next day: %+v %v", res, err)
	}
}

func TestImplicitTLSAndNoDowngrade(t *testing.T) {
	ctx := context.Background()
	m := notify.Mail{To: "ana@alianza.test", Subject: "Prueba", Text: "hola"}
	tlsSrv := smtptest.Start(t, smtptest.Implicit)
	c := notify.SMTP{Host: tlsSrv.Host, Port: tlsSrv.Port, User: smtptest.User, Password: smtptest.Password, From: "alianza@example.org",
		TLS: model.TLSImplicit, TLSConfig: tlsSrv.ClientTLS, Timeout: 5 * time.Second}
	if err := c.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	if n := len(tlsSrv.Messages()); n != 1 {
		t.Fatalf("%d messages over implicit TLS", n)
	}
	// A server that offers no STARTTLS gets nothing in starttls mode.
	plain := smtptest.Start(t, smtptest.Plain)
	c = notify.SMTP{Host: plain.Host, Port: plain.Port, User: smtptest.User, Password: smtptest.Password, From: "alianza@example.org",
		TLS: model.TLSStartTLS, Timeout: 5 * time.Second}
	if err := c.Send(ctx, m); err == nil || len(plain.Messages()) != 0 {
		t.Fatalf("sent without TLS: %v", err)
	}
	// "none" works on loopback only.
	c.TLS = model.TLSNone
	if err := c.Send(ctx, m); err != nil || len(plain.Messages()) != 1 {
		t.Fatalf("none on loopback: %v", err)
	}
	c.Host = "smtp.example.org"
	if err := c.Send(ctx, m); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("none off loopback: %v", err)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestDigestStuckSendingIsRetried: a digest whose instance died mid-send
// stayed "sending" for good and was never sent. Once older than the lease
// it is retried like a failed one (and not before: it may still be going out).
func TestDigestStuckSendingIsRetried(t *testing.T) {
	f := newFixture(t)
	srv := smtptest.Start(t, smtptest.StartTLS)
	ctx := context.Background()
	period := notify.PeriodKey(model.DigestDaily, now)
	rec := store.DigestRecord{ID: store.DigestID(f.ana.ID, period), UserID: f.ana.ID, Email: f.ana.Email, Period: period}
	if ok, err := f.s.ClaimDigest(ctx, rec); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	// The claiming instance crashed here. A pass right after leaves it.
	w := worker(f, srv, "survivor")
	res, err := w.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Email == f.ana.Email {
			t.Fatalf("a digest still being sent was sent again: %+v", res)
		}
	}
	later := now.Add(11 * time.Minute)
	f.s.SetClock(func() time.Time { return later })
	res, err = w.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Email != f.ana.Email || res[0].Status != store.DigestSent {
		t.Fatalf("stuck digest not retried: %+v", res)
	}
	recs, _ := f.s.Digests(ctx, store.DigestSent, 10)
	for _, r := range recs {
		if r.ID == rec.ID && r.Attempts != 2 {
			t.Errorf("attempts %d", r.Attempts)
		}
	}
}
