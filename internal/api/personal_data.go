package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"strings"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/words"
	"github.com/alianza-pe/alianza/internal/workflow"
	"github.com/gofiber/fiber/v2"
)

// Personal-data requests (Ley 29733): an admin with every region answers a
// person's request to see, or to erase, what Alianza holds about them.
func (a *API) personalDataRoutes() []route {
	return []route{
		{method: "GET", path: "/admin/stakeholders/:id/personal-data", formats: []string{"text/html"}, access: adminOnly, everyRegion: true, tag: "admin",
			summary: "Everything held about one stakeholder, as a JSON file or (format=html) a readable page", query: []string{"format", "lang"},
			resp: store.PersonalData{}, handle: a.personalData},
		{method: "POST", path: "/admin/stakeholders/:id/erase", access: adminOnly, everyRegion: true, tag: "admin",
			summary: "Erase a stakeholder's personal data, the copies of their name and their correspondence; records and counts stay",
			body:    eraseRequest{}, resp: store.EraseReport{}, handle: a.eraseStakeholder},
	}
}

type eraseRequest struct {
	// ConfirmName must repeat the stakeholder's current name.
	ConfirmName string `json:"confirm_name"`
}

func (a *API) personalData(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := a.store.StakeholderPersonalData(c.UserContext(), id)
	if err != nil {
		return err
	}
	for i := range d.Messages {
		d.Messages[i] = withArrays(d.Messages[i])
	}
	if err := a.store.AuditExport(c.UserContext(), auth.Actor(c), "stakeholder", id.Hex()); err != nil {
		return err
	}
	name := "personal-data-" + id.Hex()
	if c.Query("format") == "html" {
		var buf bytes.Buffer
		if err := personalPage.Execute(&buf, personalPageData{D: d, L: words.PersonalPage(words.Choose(c.Query("lang")))}); err != nil {
			return fmt.Errorf("personal data page: %w", err)
		}
		c.Set(fiber.HeaderContentType, "text/html; charset=utf-8")
		c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.html"`, name))
		return c.Send(buf.Bytes())
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.json"`, name))
	return c.Send(b)
}

func (a *API) eraseStakeholder(c *fiber.Ctx) error {
	id, in, err := idAndBody[eraseRequest](c)
	if err != nil {
		return err
	}
	rep, err := a.flows.EraseStakeholder(c.UserContext(), auth.User(c), id, in.ConfirmName)
	if errors.Is(err, workflow.ErrNeedsAllRegions) {
		return coded(c, fiber.StatusForbidden, "every_region_only")
	}
	if err != nil {
		return err
	}
	return c.JSON(rep)
}

type personalPageData struct {
	D *store.PersonalData
	L map[string]string
}

var personalPage = template.Must(template.New("personal").Funcs(template.FuncMap{
	"join": func(xs []string) string { return strings.Join(xs, ", ") },
	"addr": addressText,
	"addrs": func(as []model.Address) string {
		out := make([]string, len(as))
		for i, a := range as {
			out[i] = addressText(a)
		}
		return strings.Join(out, ", ")
	},
	"fields": func(cs []model.Change) string {
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = c.Field
		}
		return strings.Join(out, ", ")
	},
	"body": func(bodies []model.MessageBody, m model.Message) string {
		for _, b := range bodies {
			if b.ID == m.ID {
				return b.Text
			}
		}
		return ""
	},
}).Parse(`<!doctype html>
<html lang="{{.L.lang}}"><head><meta charset="utf-8"><title>{{.L.title}}: {{.D.Stakeholder.Name}}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}pre{white-space:pre-wrap;margin:0}</style></head>
<body><h1>{{.L.title}}</h1>
{{with .D.Stakeholder}}<h2>{{$.L.record}}</h2><table>
<tr><th>{{$.L.name}}</th><td>{{.Name}}</td></tr><tr><th>{{$.L.kind}}</th><td>{{.Kind}}</td></tr>
<tr><th>{{$.L.emails}}</th><td>{{join .Emails}}</td></tr><tr><th>{{$.L.phones}}</th><td>{{join .Phones}}</td></tr>
<tr><th>{{$.L.regions}}</th><td>{{join .Regions}}</td></tr><tr><th>{{$.L.tags}}</th><td>{{join .Tags}}</td></tr>
<tr><th>{{$.L.stance}}</th><td>{{.Stance}}</td></tr><tr><th>{{$.L.influence}}</th><td>{{.Influence}}</td></tr>
<tr><th>{{$.L.notes}}</th><td><pre>{{.Notes}}</pre></td></tr></table>{{end}}
<h2>{{.L.meetings}} ({{len .D.Meetings}})</h2>{{if .D.Meetings}}<table>{{range .D.Meetings}}
<tr><td>{{.StartsAt.Format "2006-01-02 15:04"}} UTC</td><td>{{.Place}}</td><td><pre>{{.Summary}}</pre><pre>{{.Agreements}}</pre></td></tr>{{end}}</table>{{else}}<p>{{.L.none}}</p>{{end}}
<h2>{{.L.commitments}} ({{len .D.Commitments}})</h2>{{if .D.Commitments}}<table>{{range .D.Commitments}}
<tr><td>{{.MadeOn}}</td><td>{{.Text}}</td><td>{{.Status}}</td></tr>{{end}}</table>{{else}}<p>{{.L.none}}</p>{{end}}
<h2>{{.L.tasks}} ({{len .D.Tasks}})</h2>{{if .D.Tasks}}<table>{{range .D.Tasks}}
<tr><td>{{.DueOn}}</td><td>{{.Title}}</td><td><pre>{{.Notes}}</pre></td></tr>{{end}}</table>{{else}}<p>{{.L.none}}</p>{{end}}
<h2>{{.L.messages}} ({{len .D.Messages}})</h2>{{if .D.Messages}}<table>{{range .D.Messages}}
<tr><td>{{.Date.Format "2006-01-02 15:04"}} UTC</td><td>{{$.L.from}}: {{addr .From}}<br>{{$.L.to}}: {{addrs .To}}<br>{{$.L.subject}}: {{.Subject}}</td>
<td><pre>{{body $.D.MessageTexts .}}</pre></td></tr>{{end}}</table>{{else}}<p>{{.L.none}}</p>{{end}}
<h2>{{.L.audit}} ({{len .D.Audit}})</h2>{{if .D.Audit}}<table>{{range .D.Audit}}
<tr><td>{{.At.Format "2006-01-02 15:04"}} UTC</td><td>{{.Action}}</td><td>{{$.L.by}} {{.ActorEmail}}</td><td>{{$.L.fields}}: {{fields .Changes}}</td></tr>{{end}}</table>{{else}}<p>{{.L.none}}</p>{{end}}
</body></html>`))

func addressText(a model.Address) string {
	if a.Address == "" {
		return a.Name
	}
	return strings.TrimSpace(a.Name + " <" + a.Address + ">")
}
