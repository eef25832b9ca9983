package api

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// totpStart is a step time on a 30 s boundary plus 10 s, so "the previous
// and next step" are unambiguous.
var totpStart = time.Date(2026, 3, 2, 15, 0, 10, 0, time.UTC)

// totpClock fixes the store's clock at totpStart; move it with *now.
func totpClock(ta *testApp) *time.Time {
	now := totpStart
	ta.store.SetClock(func() time.Time { return now })
	return &now
}

func loginCode(ta *testApp, email, code string, headers ...string) resp {
	ta.t.Helper()
	return ta.do("", "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": testPassword, "totp": code}, headers...)
}

func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := auth.TOTPCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrolTOTP turns on a second factor for the user under key through the API
// at the store's current time and returns its secret and recovery codes.
func enrolTOTP(t *testing.T, ta *testApp, key string) (string, []string) {
	t.Helper()
	r := ta.do(key, "POST", "/api/v1/me/totp", map[string]string{})
	if r.status != 200 {
		t.Fatalf("start enrolment as %s: %d %s", key, r.status, r.body)
	}
	var e totpEnrolmentView
	r.decode(t, &e)
	r = ta.do(key, "POST", "/api/v1/me/totp/confirm", map[string]string{"code": codeAt(t, e.Secret, ta.store.Now())})
	if r.status != 200 {
		t.Fatalf("confirm enrolment as %s: %d %s", key, r.status, r.body)
	}
	var rc recoveryCodesView
	r.decode(t, &rc)
	return e.Secret, rc.RecoveryCodes
}

func TestTOTPEnrolmentAndSignIn(t *testing.T) {
	ta := newTestApp(t)
	now := totpClock(ta)
	logs := ta.rebuildWithLog(nil)
	const email = "manager@alianza.test"
	if r := login(ta, email, testPassword); r.status != 200 || r.json(t)["user"].(map[string]any)["two_factor"] != false {
		t.Fatalf("password only before enrolment: %d %s", r.status, r.body)
	}

	// A first secret, replaced by a second before it is confirmed.
	r := ta.do("manager", "POST", "/api/v1/me/totp", map[string]string{})
	if r.status != 200 || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("start: %d %q %s", r.status, r.header.Get("Cache-Control"), r.body)
	}
	var first totpEnrolmentView
	r.decode(t, &first)
	u, err := url.Parse(first.OTPAuthURI)
	if err != nil || u.Scheme != "otpauth" || u.Host != "totp" || u.Query().Get("secret") != first.Secret ||
		u.Query().Get("issuer") != "Alianza" || !strings.Contains(u.Path, email) || len(first.Secret) < 32 {
		t.Fatalf("otpauth URI %q for secret %q", first.OTPAuthURI, first.Secret)
	}
	r = ta.do("manager", "POST", "/api/v1/me/totp", map[string]string{})
	var second totpEnrolmentView
	r.decode(t, &second)
	if second.Secret == first.Secret {
		t.Fatal("a new enrolment kept the old secret")
	}
	// Stored sealed, never in clear.
	sf, err := ta.store.SecondFactorOf(context.Background(), ta.users["manager"].ID)
	if err != nil || sf.Pending == "" || strings.Contains(sf.Pending, second.Secret) || sf.Active() {
		t.Fatalf("stored enrolment %+v: %v", sf, err)
	}
	ta.steps(t, []scenario{
		{name: "the replaced secret's code", as: "manager", method: "POST", path: "/api/v1/me/totp/confirm",
			body: map[string]string{"code": codeAt(t, first.Secret, *now)}, status: 422, want: map[string]any{"errors.0.code": "totp_invalid"}},
		{name: "not six digits", as: "manager", method: "POST", path: "/api/v1/me/totp/confirm",
			body: map[string]string{"code": "12345"}, status: 422, want: map[string]any{"errors.0.field": "code"}},
		{name: "still password only", method: "POST", path: "/api/v1/auth/login",
			body: map[string]string{"email": email, "password": testPassword}, status: 200},
	})
	r = ta.do("manager", "POST", "/api/v1/me/totp/confirm", map[string]string{"code": codeAt(t, second.Secret, *now)})
	if r.status != 200 {
		t.Fatalf("confirm: %d %s", r.status, r.body)
	}
	var rc recoveryCodesView
	r.decode(t, &rc)
	if len(rc.RecoveryCodes) != 10 || len(slices.Compact(slices.Sorted(slices.Values(rc.RecoveryCodes)))) != 10 {
		t.Fatalf("recovery codes: %v", rc.RecoveryCodes)
	}
	sf, _ = ta.store.SecondFactorOf(context.Background(), ta.users["manager"].ID)
	for _, c := range rc.RecoveryCodes {
		if slices.Contains(sf.Recovery, c) || !slices.Contains(sf.Recovery, auth.HashRecoveryCode(c)) {
			t.Fatalf("recovery code %q not stored hashed: %v", c, sf.Recovery)
		}
	}
	step := func(n int) string { return codeAt(t, second.Secret, now.Add(time.Duration(n)*30*time.Second)) }

	// The confirming code's step is spent; from two steps later on, codes
	// of the previous and next step work once each, in order.
	ta.steps(t, []scenario{
		{name: "no code", method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": email, "password": testPassword},
			status: 401, want: map[string]any{"code": "totp_required"}},
		{name: "wrong password with a code", method: "POST", path: "/api/v1/auth/login",
			body: map[string]string{"email": email, "password": "wrong password!!", "totp": step(0)}, status: 401},
		{name: "the confirming code again", method: "POST", path: "/api/v1/auth/login",
			body: map[string]string{"email": email, "password": testPassword, "totp": step(0)}, status: 401, want: map[string]any{"code": "totp_invalid"}},
	})
	*now = now.Add(90 * time.Second) // three steps on
	ta.steps(t, []scenario{
		{name: "two steps back", method: "POST", path: "/api/v1/auth/login",
			body: map[string]string{"email": email, "password": testPassword, "totp": step(-2)}, status: 401, want: map[string]any{"code": "totp_invalid"}},
		{name: "previous step", method: "POST", path: "/api/v1/auth/login",
			body: map[string]string{"email": email, "password": testPassword, "totp": step(-1)}, status: 200, want: map[string]any{"user.two_factor": true}},
		{name: "previous step again", method: "POST", path: "/api/v1/auth/login",
			body: map[string]string{"email": email, "password": testPassword, "totp": step(-1)}, status: 401, want: map[string]any{"code": "totp_invalid"}},
		{name: "next step, typed with a space", method: "POST", path: "/api/v1/auth/login",
			body: map[string]string{"email": email, "password": testPassword, "totp": step(1)[:3] + " " + step(1)[3:]}, status: 200},
		{name: "current step, older than the one used", method: "POST", path: "/api/v1/auth/login",
			body: map[string]string{"email": email, "password": testPassword, "totp": step(0)}, status: 401, want: map[string]any{"code": "totp_invalid"}},
		{name: "two steps ahead", method: "POST", path: "/api/v1/auth/login",
			body: map[string]string{"email": email, "password": testPassword, "totp": step(2)}, status: 401, want: map[string]any{"code": "totp_invalid"}},
		{name: "a recovery code, typed in capitals", method: "POST", path: "/api/v1/auth/login",
			body: map[string]string{"email": email, "password": testPassword, "totp": strings.ToUpper(rc.RecoveryCodes[3])}, status: 200},
		{name: "the same recovery code again", method: "POST", path: "/api/v1/auth/login",
			body: map[string]string{"email": email, "password": testPassword, "totp": rc.RecoveryCodes[3]}, status: 401, want: map[string]any{"code": "totp_invalid"}},
		{name: "a made-up recovery code", method: "POST", path: "/api/v1/auth/login",
			body: map[string]string{"email": email, "password": testPassword, "totp": "aaaa-bbbb-cccc"}, status: 401, want: map[string]any{"code": "totp_invalid"}},
		{name: "me shows the factor", as: "manager", method: "GET", path: "/api/v1/me", status: 200,
			want: map[string]any{"two_factor": true, "two_factor_required": false}},
		{name: "admins see it in the list", as: "admin", method: "GET", path: "/api/v1/users/" + ta.users["manager"].ID.Hex(), status: 200,
			want: map[string]any{"two_factor": true}},
	})

	// Replacing an active factor needs its current code; until the new one
	// is confirmed the old one stays.
	*now = now.Add(60 * time.Second)
	ta.steps(t, []scenario{
		{name: "restart without a code", as: "manager", method: "POST", path: "/api/v1/me/totp", body: map[string]string{}, status: 422,
			want: map[string]any{"errors.0.code": "totp_required"}},
		{name: "restart with a wrong code", as: "manager", method: "POST", path: "/api/v1/me/totp", body: map[string]string{"code": "000000"}, status: 422,
			want: map[string]any{"errors.0.code": "totp_invalid"}},
		{name: "restart with the current code", as: "manager", method: "POST", path: "/api/v1/me/totp", body: map[string]string{"code": step(0)}, status: 200,
			want: map[string]any{"secret": present}},
		{name: "the old factor still asks", method: "POST", path: "/api/v1/auth/login",
			body: map[string]string{"email": email, "password": testPassword}, status: 401, want: map[string]any{"code": "totp_required"}},
		{name: "and takes its next code", method: "POST", path: "/api/v1/auth/login",
			body: map[string]string{"email": email, "password": testPassword, "totp": step(1)}, status: 200},
	})

	// Every change is in the user's audit trail; the secret and the codes
	// are in no log and no audit entry.
	r = ta.do("admin", "GET", "/api/v1/audit?entity=user&entity_id="+ta.users["manager"].ID.Hex(), nil)
	var trail list[model.AuditEntry]
	r.decode(t, &trail)
	var changes []string
	for _, e := range trail.Items {
		for _, c := range e.Changes {
			if c.Field == "second_factor" {
				changes = append(changes, c.New.(string))
			}
		}
	}
	if want := []string{"pending", "recovery code used", "on", "pending", "pending"}; !slices.Equal(changes, want) {
		t.Errorf("audit of the second factor, newest first: %v, want %v", changes, want)
	}
	for _, secret := range append([]string{first.Secret, second.Secret}, rc.RecoveryCodes...) {
		if strings.Contains(string(r.body), secret) || strings.Contains(logs.String(), secret) {
			t.Errorf("%q is in the audit trail or the log", secret)
		}
	}
}

func TestTOTPAdminReset(t *testing.T) {
	ta := newTestApp(t)
	totpClock(ta)
	ctx := context.Background()
	// An admin of Loreto only, beside the test users.
	regional, err := ta.store.CreateUser(ctx, model.SystemActor, model.NewUser{Email: "admin.loreto@alianza.test", Name: "Admin Loreto",
		Role: model.RoleAdmin, Regions: []string{"16"}}, testPasswordHash(t))
	if err != nil {
		t.Fatal(err)
	}
	ta.users["loreto_admin"] = regional
	for _, key := range []string{"loreto_manager", "cusco_manager", "manager"} {
		enrolTOTP(t, ta, key)
	}
	reset := func(key string) string { return "/api/v1/users/" + ta.users[key].ID.Hex() + "/totp" }
	ta.run(t, []scenario{
		{name: "a manager cannot", as: "cusco_manager", method: "DELETE", path: reset("cusco_officer"), status: 403},
		{name: "a Loreto admin, a Cusco manager", as: "loreto_admin", method: "DELETE", path: reset("cusco_manager"), status: 403},
		{name: "a Loreto admin, a manager of every region", as: "loreto_admin", method: "DELETE", path: reset("manager"), status: 403},
		{name: "no such user", as: "admin", method: "DELETE", path: "/api/v1/users/" + bson.NewObjectID().Hex() + "/totp", status: 404},
		{name: "nobody enrolled", as: "admin", method: "DELETE", path: reset("viewer"), status: 404},
	})
	ta.steps(t, []scenario{
		{name: "a Loreto admin, a Loreto manager", as: "loreto_admin", method: "DELETE", path: reset("loreto_manager"), status: 204},
		{name: "password only again", method: "POST", path: "/api/v1/auth/login",
			body: map[string]string{"email": "loreto_manager@alianza.test", "password": testPassword}, status: 200, want: map[string]any{"user.two_factor": false}},
		{name: "an admin of every region, anyone", as: "admin", method: "DELETE", path: reset("cusco_manager"), status: 204},
		{name: "twice", as: "admin", method: "DELETE", path: reset("cusco_manager"), status: 404},
		{name: "the other one still asks", method: "POST", path: "/api/v1/auth/login",
			body: map[string]string{"email": "manager@alianza.test", "password": testPassword}, status: 401, want: map[string]any{"code": "totp_required"}},
	})
	entries, _, err := ta.store.ListAudit(ctx, store.AuditFilter{Entity: "user", EntityID: ta.users["loreto_manager"].ID.Hex(), Scope: model.NewScope([]string{model.AllRegions})}, store.Page{Limit: 10})
	if err != nil || len(entries) == 0 || entries[0].ActorID != regional.ID || entries[0].Changes[0].Field != "second_factor" || entries[0].Changes[0].New != "off (reset)" {
		t.Fatalf("the reset is not audited with its admin: %+v %v", entries, err)
	}
}

func TestTOTPRequiredForRoles(t *testing.T) {
	ta := newTestApp(t)
	now := totpClock(ta)
	ta.app = ta.newApp(func(o *Options) { o.RequireTwoFactor = []string{model.RoleAdmin, model.RoleManager} })
	enrolled := []scenario{
		{name: "me", as: "cusco_manager", method: "GET", path: "/api/v1/me", status: 200, want: map[string]any{"two_factor": false, "two_factor_required": true}},
		{name: "records", as: "cusco_manager", method: "GET", path: "/api/v1/stakeholders", status: 403, want: map[string]any{"code": "totp_enrolment_required"}},
		{name: "settings", as: "cusco_manager", method: "PATCH", path: "/api/v1/me", body: map[string]string{"lang": "en"}, status: 403, want: map[string]any{"code": "totp_enrolment_required"}},
		{name: "an admin's users", as: "admin", method: "GET", path: "/api/v1/users", status: 403, want: map[string]any{"code": "totp_enrolment_required"}},
		{name: "an officer is not asked", as: "cusco_officer", method: "GET", path: "/api/v1/stakeholders", status: 200},
		{name: "nor a viewer", as: "viewer", method: "GET", path: "/api/v1/me", status: 200, want: map[string]any{"two_factor_required": false}},
		{name: "public routes stay public", method: "GET", path: "/api/v1/openapi.json", status: 200},
	}
	ta.run(t, enrolled)
	// Signing in still works (and says nothing new): the app then reads
	// two_factor_required from /me and takes them to enrolment.
	if r := login(ta, "cusco_manager@alianza.test", testPassword); r.status != 200 {
		t.Fatalf("sign-in before enrolment: %d %s", r.status, r.body)
	}
	enrolTOTP(t, ta, "cusco_manager")
	*now = now.Add(time.Minute)
	ta.run(t, []scenario{
		{name: "records after enrolment", as: "cusco_manager", method: "GET", path: "/api/v1/stakeholders", status: 200},
		{name: "me after enrolment", as: "cusco_manager", method: "GET", path: "/api/v1/me", status: 200, want: map[string]any{"two_factor": true, "two_factor_required": true}},
	})
}

// TestTOTPCodeGuessesThrottled: the password alone never counts as a
// failure, each wrong code does, per account and client IP and per
// account across addresses.
func TestTOTPCodeGuessesThrottled(t *testing.T) {
	ta := newTestApp(t)
	now := totpClock(ta)
	ta.app = ta.newApp(func(o *Options) { o.TrustedProxies = []string{"0.0.0.0/32"} }) // app.Test's peer
	secret, _ := enrolTOTP(t, ta, "officer")
	const email = "officer@alianza.test"
	from := func(ip string) []string { return []string{"X-Forwarded-For", "203.0.113.250, " + ip} }
	for i := 0; i < 8; i++ {
		if r := loginCode(ta, email, "", from("198.51.100.1")...); r.status != 401 || r.json(t)["code"] != "totp_required" {
			t.Fatalf("password without a code, %d: %d %s", i+1, r.status, r.body)
		}
	}
	// Five wrong codes, each from another address.
	for i := 0; i < 5; i++ {
		if r := loginCode(ta, email, "000000", from("198.51.100."+string(rune('2'+i)))...); r.status != 401 || r.json(t)["code"] != "totp_invalid" {
			t.Fatalf("wrong code %d: %d %s", i+1, r.status, r.body)
		}
	}
	right := codeAt(t, secret, now.Add(30*time.Second)) // the next step's
	r := loginCode(ta, email, right, from("192.0.2.10")...)
	if r.status != 429 || r.header.Get("Retry-After") != "1" || r.json(t)["code"] != "login_throttled" {
		t.Fatalf("sixth code from a new address: %d %s", r.status, r.body)
	}
	// Once the delay (1 s after the fifth failure) has passed, the right code works.
	*now = now.Add(1100 * time.Millisecond)
	if r := loginCode(ta, email, right, from("192.0.2.10")...); r.status != 200 {
		t.Fatalf("after the delay: %d %s", r.status, r.body)
	}
	// Per (account, IP) the login throttle counts wrong codes too.
	*now = now.Add(20 * time.Minute)
	for i := 0; i < 5; i++ {
		loginCode(ta, email, "111111", from("198.51.100.50")...)
	}
	pair, err := ta.store.LoginFailuresOf(context.Background(), "pair:"+email+"|198.51.100.50")
	if err != nil || pair.Count != 5 {
		t.Fatalf("wrong codes counted per account and IP: %+v %v", pair, err)
	}
	ip, _ := ta.store.LoginFailuresOf(context.Background(), "ip:198.51.100.50")
	if ip.Count != 5 {
		t.Fatalf("wrong codes counted per IP: %+v", ip)
	}
	// Enrolment codes share the account's counter.
	*now = now.Add(20 * time.Minute)
	for i := 0; i < 5; i++ {
		if r := ta.do("officer", "POST", "/api/v1/me/totp", map[string]string{"code": "222222"}); r.status != 422 {
			t.Fatalf("wrong code to restart, %d: %d %s", i+1, r.status, r.body)
		}
	}
	if r := ta.do("officer", "POST", "/api/v1/me/totp", map[string]string{"code": codeAt(t, secret, *now)}); r.status != 429 {
		t.Fatalf("sixth restart code: %d %s", r.status, r.body)
	}
}
