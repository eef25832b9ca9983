package model

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/search"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Named is a code with its name in Spanish and English, for the app's
// option lists (GET /initiatives/meta) and the CSV exports.
type Named struct {
	Code   string `json:"code"`
	NameES string `json:"name_es"`
	NameEN string `json:"name_en"`
}

// In is the name in lang ("en" or Spanish otherwise).
func (n Named) In(lang string) string {
	if lang == "en" {
		return n.NameEN
	}
	return n.NameES
}

// InitiativeKind is one kind of policy initiative with its stages in order:
// the chain an initiative advances along, then the side stages that end it
// without advancing (a bill archived or withdrawn).
type InitiativeKind struct {
	Named
	Stages []Named `json:"stages"`
	// side are the codes of Stages that are not a step forward.
	side []string
}

// StageApproved is the stage every kind passes when it is approved; the
// indicator initiatives_approved counts the moves into it.
const StageApproved = "approved"

// Initiative kinds.
const (
	KindBill               = "bill"
	KindRegionalOrdinance  = "regional_ordinance"
	KindRegionalActionPlan = "regional_action_plan"
	KindNationalPolicy     = "national_policy"
	KindRegulation         = "regulation"
	KindOtherInitiative    = "other"
)

func named(code, es, en string) Named { return Named{Code: code, NameES: es, NameEN: en} }

var (
	stPresented  = named("presented", "Presentado", "Presented")
	stApproved   = named(StageApproved, "Aprobado", "Approved")
	planStages   = []Named{named("drafting", "En elaboración", "Drafting"), stApproved, named("in_implementation", "En implementación", "In implementation"), named("evaluated", "Evaluado", "Evaluated")}
	billStages   = []Named{stPresented, named("in_committee", "En comisión", "In committee"), named("committee_report", "Dictamen", "Committee report"), named("plenary", "En el Pleno", "In plenary"), stApproved, named("enacted", "Promulgado", "Enacted"), named("archived", "Archivado", "Archived"), named("withdrawn", "Retirado", "Withdrawn")}
	ordinanceStg = []Named{named("draft", "Borrador", "Draft"), stPresented, stApproved, named("published", "Publicado", "Published")}
	otherStages  = []Named{named("proposed", "Propuesta", "Proposed"), named("in_progress", "En curso", "In progress"), stApproved, named("closed", "Cerrada", "Closed")}
)

// InitiativeKinds lists every kind with its stages, in the order the app shows them.
var InitiativeKinds = []InitiativeKind{
	{Named: named(KindBill, "Proyecto de ley", "Bill"), Stages: billStages, side: []string{"archived", "withdrawn"}},
	{Named: named(KindRegionalOrdinance, "Ordenanza regional", "Regional ordinance"), Stages: ordinanceStg},
	{Named: named(KindRegionalActionPlan, "Plan regional de acción", "Regional action plan"), Stages: planStages},
	{Named: named(KindNationalPolicy, "Política nacional", "National policy"), Stages: planStages},
	{Named: named(KindRegulation, "Reglamento", "Regulation"), Stages: planStages},
	{Named: named(KindOtherInitiative, "Otra iniciativa", "Other"), Stages: otherStages},
}

// InitiativeRoles are the parts a stakeholder plays in an initiative.
var InitiativeRoles = []Named{
	named("author", "Autor(a)", "Author"), named("co_author", "Coautor(a)", "Co-author"),
	named("committee", "Comisión", "Committee"), named("supporter", "A favor", "Supporter"),
	named("opponent", "En contra", "Opponent"), named("implementer", "Implementa", "Implementer"),
}

// Enums of initiatives, for validation messages, OpenAPI and /enums.
var (
	InitiativeKindCodes = registerEnum("initiative_kinds", codesOf(kindNames()))
	InitiativeRoleCodes = registerEnum("initiative_roles", codesOf(InitiativeRoles))
	InitiativeStages    = registerEnum("initiative_stages", allStages())
)

func kindNames() []Named {
	out := make([]Named, len(InitiativeKinds))
	for i, k := range InitiativeKinds {
		out[i] = k.Named
	}
	return out
}

func codesOf(ns []Named) Enum {
	out := make(Enum, len(ns))
	for i, n := range ns {
		out[i] = n.Code
	}
	return out
}

func allStages() Enum {
	var out Enum
	for _, k := range InitiativeKinds {
		for _, s := range k.Stages {
			if !out.Valid(s.Code) {
				out = append(out, s.Code)
			}
		}
	}
	return out
}

// KindOf returns the kind with code, and whether there is one.
func KindOf(code string) (InitiativeKind, bool) {
	for _, k := range InitiativeKinds {
		if k.Code == code {
			return k, true
		}
	}
	return InitiativeKind{}, false
}

// StageIndex is where stage stands in the kind's chain, or -1 when it is
// not one of its stages or is a side stage.
func (k InitiativeKind) StageIndex(stage string) int {
	if slices.Contains(k.side, stage) {
		return -1
	}
	return slices.IndexFunc(k.Stages, func(s Named) bool { return s.Code == stage })
}

// HasStage reports whether stage belongs to the kind.
func (k InitiativeKind) HasStage(stage string) bool {
	return slices.ContainsFunc(k.Stages, func(s Named) bool { return s.Code == stage })
}

// Advances reports whether moving an initiative of kind from one stage to
// another is a step forward along its chain (a side stage never is).
func Advances(kind, from, to string) bool {
	k, ok := KindOf(kind)
	if !ok {
		return false
	}
	i, j := k.StageIndex(from), k.StageIndex(to)
	return j >= 0 && j > i
}

// StageName is the name of stage in lang, or the code when unknown.
func StageName(stage, lang string) string {
	for _, k := range InitiativeKinds {
		for _, s := range k.Stages {
			if s.Code == stage {
				return s.In(lang)
			}
		}
	}
	return stage
}

// KindName is the name of an initiative kind in lang, or the code.
func KindName(kind, lang string) string {
	if k, ok := KindOf(kind); ok {
		return k.In(lang)
	}
	return kind
}

// RoleName is the name of an initiative role in lang, or the code.
func RoleName(role, lang string) string {
	for _, r := range InitiativeRoles {
		if r.Code == role {
			return r.In(lang)
		}
	}
	return role
}

// EntityInitiative names initiatives in the audit trail and in store.Change.
const EntityInitiative = "initiative"

// maxInitiativeList bounds an initiative's tags and stakeholders (the text
// limits are in TextLimits).
const maxInitiativeList = 200

// Initiative is a bill, ordinance, action plan, policy or regulation the
// team follows through its stages. The owner's and stakeholders' names are
// copied in so lists need no join; StakeholderIDs repeats the ids for the
// filters and the member index.
type Initiative struct {
	ID             bson.ObjectID           `bson:"_id" json:"id"`
	Kind           string                  `bson:"kind" json:"kind"`
	Title          string                  `bson:"title" json:"title"`
	Number         string                  `bson:"number,omitempty" json:"number,omitempty"`
	URL            string                  `bson:"url,omitempty" json:"url,omitempty"`
	Region         string                  `bson:"region" json:"region"`
	Stage          string                  `bson:"stage" json:"stage"`
	StageOn        string                  `bson:"stage_on" json:"stage_on"` // YYYY-MM-DD
	Summary        string                  `bson:"summary" json:"summary"`
	Tags           []string                `bson:"tags" json:"tags"`
	OwnerID        bson.ObjectID           `bson:"owner_id" json:"owner_id"`
	OwnerName      string                  `bson:"owner_name" json:"owner_name"`
	Stakeholders   []InitiativeStakeholder `bson:"stakeholders" json:"stakeholders"`
	StakeholderIDs []bson.ObjectID         `bson:"stakeholder_ids" json:"-"`
	History        []StageChange           `bson:"history" json:"history,omitempty"`
	Search         string                  `bson:"search" json:"-"`
	Version        int                     `bson:"version" json:"version"`
	CreatedAt      time.Time               `bson:"created_at" json:"created_at"`
	UpdatedAt      time.Time               `bson:"updated_at" json:"updated_at"`
}

// InitiativeStakeholder is a stakeholder linked to an initiative with a role.
type InitiativeStakeholder struct {
	StakeholderID bson.ObjectID `bson:"stakeholder_id" json:"stakeholder_id"`
	Name          string        `bson:"name" json:"name"`
	Kind          string        `bson:"kind" json:"kind"`
	Role          string        `bson:"role" json:"role"`
}

// StageChange is one entry of an initiative's history: the stage, the day
// it was reached, a note and who recorded it when.
type StageChange struct {
	Stage  string        `bson:"stage" json:"stage"`
	On     string        `bson:"on" json:"on"`
	Note   string        `bson:"note,omitempty" json:"note,omitempty"`
	At     time.Time     `bson:"at" json:"at"`
	By     bson.ObjectID `bson:"by,omitempty" json:"by,omitzero"`
	ByName string        `bson:"by_name,omitempty" json:"by_name,omitempty"`
}

// InitiativeLink names a stakeholder and their role in an input.
type InitiativeLink struct {
	StakeholderID bson.ObjectID `json:"stakeholder_id"`
	Role          string        `json:"role"`
}

// InitiativeInput is the body of POST /initiatives. stage_on defaults to
// today in Lima, the owner to the creator.
type InitiativeInput struct {
	Kind         string           `json:"kind"`
	Title        string           `json:"title"`
	Number       string           `json:"number,omitempty"`
	URL          string           `json:"url,omitempty"`
	Region       string           `json:"region"`
	Stage        string           `json:"stage"`
	StageOn      string           `json:"stage_on,omitempty"`
	Summary      string           `json:"summary,omitempty"`
	Tags         []string         `json:"tags,omitempty"`
	OwnerID      bson.ObjectID    `json:"owner_id,omitzero"`
	Stakeholders []InitiativeLink `json:"stakeholders,omitempty"`
}

// InitiativePatch changes some fields of an initiative; nil fields stay.
// The kind and region stay what they were made with (a stage belongs to
// its kind; a region change would move the record between teams), and the
// stage changes only through POST /initiatives/{id}/stage.
type InitiativePatch struct {
	Title        *string           `json:"title,omitempty"`
	Number       *string           `json:"number,omitempty"`
	URL          *string           `json:"url,omitempty"`
	Summary      *string           `json:"summary,omitempty"`
	Tags         *[]string         `json:"tags,omitempty"`
	OwnerID      *bson.ObjectID    `json:"owner_id,omitempty"`
	Stakeholders *[]InitiativeLink `json:"stakeholders,omitempty"`
	Version      *int              `json:"version,omitempty"`
}

// StageInput is the body of POST /initiatives/{id}/stage; on defaults to
// today in Lima.
type StageInput struct {
	Stage   string `json:"stage"`
	On      string `json:"on,omitempty"`
	Note    string `json:"note,omitempty"`
	Version *int   `json:"version,omitempty"`
}

// NewInitiative makes the record of an input (not yet validated: call
// Validate on it) by author by at now, with its first history entry.
// The names of the owner and stakeholders are filled in by the caller.
func NewInitiative(in InitiativeInput, by Actor, now time.Time) *Initiative {
	in.Region = NormalizeRegionCode(in.Region)
	it := &Initiative{
		ID: bson.NewObjectID(), Kind: strings.TrimSpace(in.Kind), Title: in.Title, Number: in.Number, URL: in.URL,
		Region: in.Region, Stage: strings.TrimSpace(in.Stage), StageOn: strings.TrimSpace(in.StageOn), Summary: in.Summary,
		Tags: in.Tags, OwnerID: in.OwnerID, Stakeholders: linksOf(in.Stakeholders), Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	if it.OwnerID.IsZero() {
		it.OwnerID = by.ID
	}
	if it.StageOn == "" {
		it.StageOn = Today(now)
	}
	it.Normalize()
	it.History = []StageChange{{Stage: it.Stage, On: it.StageOn, At: now, By: by.ID, ByName: by.Name}}
	return it
}

func linksOf(in []InitiativeLink) []InitiativeStakeholder {
	out := make([]InitiativeStakeholder, len(in))
	for i, l := range in {
		out[i] = InitiativeStakeholder{StakeholderID: l.StakeholderID, Role: strings.TrimSpace(l.Role)}
	}
	return out
}

// Apply returns it with the patch applied, normalised; validate it next.
// Stakeholders kept from it keep their copied names.
func (ip *InitiativePatch) Apply(it Initiative) Initiative {
	setIf(&it.Title, ip.Title)
	setIf(&it.Number, ip.Number)
	setIf(&it.URL, ip.URL)
	setIf(&it.Summary, ip.Summary)
	setCopy(&it.Tags, ip.Tags)
	setIf(&it.OwnerID, ip.OwnerID)
	if ip.Stakeholders != nil {
		old := it.Stakeholders
		it.Stakeholders = linksOf(*ip.Stakeholders)
		for i, s := range it.Stakeholders {
			if j := slices.IndexFunc(old, func(o InitiativeStakeholder) bool { return o.StakeholderID == s.StakeholderID }); j >= 0 {
				it.Stakeholders[i].Name, it.Stakeholders[i].Kind = old[j].Name, old[j].Kind
			}
		}
	}
	it.Normalize()
	return it
}

// Normalize trims the text fields, cleans the tags and keeps the
// stakeholder ids beside the links.
func (it *Initiative) Normalize() {
	it.Title = strings.Join(strings.Fields(it.Title), " ")
	trimSpace(&it.Number, &it.URL, &it.Summary)
	it.Region = NormalizeRegionCode(it.Region)
	it.Tags = cleanList(it.Tags, func(t string) string { return strings.ToLower(strings.Join(strings.Fields(t), " ")) })
	if it.Tags == nil {
		it.Tags = []string{}
	}
	if it.Stakeholders == nil {
		it.Stakeholders = []InitiativeStakeholder{}
	}
	it.StakeholderIDs = make([]bson.ObjectID, 0, len(it.Stakeholders))
	for _, s := range it.Stakeholders {
		if !slices.Contains(it.StakeholderIDs, s.StakeholderID) {
			it.StakeholderIDs = append(it.StakeholderIDs, s.StakeholderID)
		}
	}
	it.Search = InitiativeSearchWords(it)
}

// Validate checks every field of a normalised initiative: the one place
// its rules live. That the owner and stakeholders exist and are visible is
// checked by the workflow.
func (it *Initiative) Validate() error {
	var p Problems
	kind, ok := KindOf(it.Kind)
	if !ok {
		p.Add("kind", "must be one of %s", InitiativeKindCodes)
	}
	if it.Title == "" {
		p.Add("title", "is required")
	}
	checkLen(&p, "title", it.Title, textLimit("initiative.title"))
	CheckText(&p, "title", it.Title)
	checkLen(&p, "number", it.Number, textLimit("initiative.number"))
	CheckText(&p, "number", it.Number)
	if it.URL != "" && !validLink(it.URL) {
		p.Add("url", "must be a web address starting with http:// or https://")
	}
	checkLen(&p, "url", it.URL, textLimit("initiative.url"))
	if !ValidRegion(it.Region) {
		p.Add("region", "must be a known region code")
	}
	checkStage(&p, "stage", kind, ok, it.Stage)
	if !ValidDate(it.StageOn) {
		p.Add("stage_on", "must be a date (YYYY-MM-DD)")
	}
	checkLen(&p, "summary", it.Summary, textLimit("initiative.summary"))
	for i, t := range it.Tags {
		checkLen(&p, "tags["+itoa(i)+"]", t, textLimit("stakeholder.tag"))
	}
	if len(it.Tags) > maxInitiativeList {
		p.Add("tags", "must list at most %d values", maxInitiativeList)
	}
	if it.OwnerID.IsZero() {
		p.Add("owner_id", "is required")
	}
	if len(it.Stakeholders) > maxInitiativeList {
		p.Add("stakeholders", "must list at most %d values", maxInitiativeList)
	}
	seen := map[bson.ObjectID]bool{}
	for i, s := range it.Stakeholders {
		f := "stakeholders[" + itoa(i) + "]."
		switch {
		case s.StakeholderID.IsZero():
			p.Add(f+"stakeholder_id", "is required")
		case seen[s.StakeholderID]:
			p.Add(f+"stakeholder_id", "is listed twice")
		}
		seen[s.StakeholderID] = true
		if !InitiativeRoleCodes.Valid(s.Role) {
			p.Add(f+"role", "must be one of %s", InitiativeRoleCodes)
		}
	}
	return p.Err()
}

// checkStage reports a stage missing or not of kind (known tells whether
// the kind itself is valid: an unknown kind is reported once, on kind).
func checkStage(p *Problems, field string, kind InitiativeKind, known bool, stage string) {
	switch {
	case stage == "":
		p.Add(field, "is required")
	case !InitiativeStages.Valid(stage):
		p.Add(field, "must be one of %s", InitiativeStages)
	case known && !kind.HasStage(stage):
		p.Add(field, "is not a stage of this kind of initiative")
	}
}

// validLink reports whether s is an absolute http(s) address with a host.
func validLink(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// Validate checks a stage change of an initiative of kind, after
// Normalize; on must not be in the future of today.
func (in *StageInput) Validate(kind, current, today string) error {
	var p Problems
	k, ok := KindOf(kind)
	checkStage(&p, "stage", k, ok, in.Stage)
	if in.Stage != "" && in.Stage == current {
		p.Add("stage", "is already the initiative's stage")
	}
	switch {
	case !ValidDate(in.On):
		p.Add("on", "must be a date (YYYY-MM-DD)")
	case in.On > today:
		p.Add("on", "must not be after today")
	}
	checkLen(&p, "note", in.Note, textLimit("initiative.stage_note"))
	return p.Err()
}

// Normalize trims the fields and sets on to today when empty.
func (in *StageInput) Normalize(today string) {
	trimSpace(&in.Stage, &in.On, &in.Note)
	if in.On == "" {
		in.On = today
	}
}

// NewStageChange is the history entry of a stage change by an author.
func NewStageChange(in StageInput, by Actor, now time.Time) StageChange {
	return StageChange{Stage: in.Stage, On: in.On, Note: in.Note, At: now, By: by.ID, ByName: by.Name}
}

// InitiativeSearchWords builds an initiative's normalised search field:
// its number (normalised into words, so "9123" finds "PL 9123/2026-CR"),
// title and tags.
func InitiativeSearchWords(it *Initiative) string {
	return search.Words(append([]string{it.Number, it.Title}, it.Tags...)...)
}

// StakeholderRole is the role of stakeholder id in the initiative, or "".
func (it *Initiative) StakeholderRole(id bson.ObjectID) string {
	for _, s := range it.Stakeholders {
		if s.StakeholderID == id {
			return s.Role
		}
	}
	return ""
}
