package api

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/search"
	"github.com/alianza-pe/alianza/internal/words"
	"github.com/alianza-pe/alianza/internal/workflow"
	"github.com/gofiber/fiber/v2"
)

// maxImportRows bounds one import; bigger files are split by the user.
const maxImportRows = 5000

// importRequest is the body of POST /stakeholders/import. Mapping goes from
// a CSV column header to a stakeholder field (see importFields); without
// one, columns named like a field (in English or Spanish) are used.
type importRequest struct {
	CSV     string            `json:"csv"`
	Mapping map[string]string `json:"mapping,omitempty"`
	DryRun  bool              `json:"dry_run,omitempty"`
}

// importFields are the fields a column can fill, with the Spanish headers
// recognised when there is no mapping (keys are search.Normalize'd).
var importFields = map[string][]string{
	"name":                {"nombre", "nombres", "nombre completo"},
	"kind":                {"tipo"},
	"emails":              {"email", "correo", "correos", "correo electronico", "e mail"},
	"phones":              {"phone", "telefono", "telefonos", "celular"},
	"regions":             {"region", "regiones", "departamento"},
	"tags":                {"tag", "etiqueta", "etiquetas"},
	"stance":              {"postura", "posicion"},
	"influence":           {"influencia"},
	"notes":               {"notas", "nota", "observaciones"},
	"chamber":             {"camara"},
	"period":              {"periodo"},
	"parliamentary_group": {"bancada", "grupo parlamentario"},
	"party":               {"partido", "partido politico"},
	"electoral_district":  {"distrito electoral"},
	"committees":          {"comisiones"},
}

// Spanish (and English) words accepted for enum cells, by search.Normalize'd form.
var (
	kindWords = map[string]string{
		"legislator": model.KindLegislator, "legislador": model.KindLegislator, "legisladora": model.KindLegislator,
		"congresista": model.KindLegislator, "oversight committee": model.KindOversightCommittee,
		"comite": model.KindOversightCommittee, "comite de vigilancia": model.KindOversightCommittee,
		"institution": model.KindInstitution, "institucion": model.KindInstitution,
		"organization": model.KindOrganization, "organizacion": model.KindOrganization, "ong": model.KindOrganization,
		"person": model.KindPerson, "persona": model.KindPerson,
	}
	stanceWords = map[string]string{
		"champion": "champion", "campeon": "champion", "campeona": "champion", "supporter": "supporter",
		"aliado": "supporter", "aliada": "supporter", "favorable": "supporter", "neutral": "neutral",
		"unknown": "unknown", "desconocido": "unknown", "desconocida": "unknown",
		"opponent": "opponent", "opositor": "opponent", "opositora": "opponent", "contrario": "opponent",
	}
	influenceWords = map[string]string{
		"high": "high", "alta": "high", "alto": "high", "medium": "medium", "media": "medium", "medio": "medium",
		"low": "low", "baja": "low", "bajo": "low",
	}
	chamberWords = map[string]string{
		"congress": "congress", "congreso": "congress", "senate": "senate", "senado": "senate",
		"deputies": "deputies", "diputados": "deputies", "camara de diputados": "deputies",
	}
	// regionWords maps codes and Spanish names ("madre de dios", "cusco") to codes.
	regionWords = func() map[string]string {
		m := map[string]string{"nacional": model.National, "cuzco": "08", "lima metropolitana": "15"}
		for _, r := range model.Regions {
			m[search.Normalize(r.Name)] = r.Code
			m[search.Normalize(r.Code)] = r.Code
		}
		return m
	}()
)

func (a *API) importStakeholders(c *fiber.Ctx) error {
	var in importRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	q := queryOf(c)
	dry := q.flag("dry_run")
	if q.err != nil {
		return q.err
	}
	rows, err := parseImport(in)
	if err != nil {
		return err
	}
	dryRun := in.DryRun || dry
	res, err := a.flows.ImportStakeholders(c.UserContext(), auth.User(c), rows, dryRun)
	if err != nil {
		return err
	}
	// A dry run lists the rows' problems in the caller's language too.
	lng := lang(c)
	for i, e := range res.Errors {
		format, args := e.Format()
		if code, msg, ok := words.FieldMessage(format, args, lng); ok {
			res.Errors[i].Code, res.Errors[i].Message = code, msg
		}
	}
	return c.JSON(res)
}

// parseImport reads the CSV (comma or semicolon, optional BOM) and turns
// each record into a stakeholder input, noting cells it cannot read.
func parseImport(in importRequest) ([]workflow.ImportRow, error) {
	text := strings.TrimPrefix(in.CSV, "\uFEFF")
	if strings.TrimSpace(text) == "" {
		return nil, invalid("csv", "is required: paste the CSV with a header row")
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = detectDelimiter(text)
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return nil, csvError(err)
	}
	cols, err := importColumns(header, in.Mapping)
	if err != nil {
		return nil, err
	}
	var rows []workflow.ImportRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		if len(rows) == maxImportRows {
			return nil, invalid("csv", "has more than %d rows; split the file", maxImportRows)
		}
		line, _ := r.FieldPos(0)
		if blankRecord(rec) {
			continue
		}
		rows = append(rows, importRow(line, rec, cols))
	}
	if len(rows) == 0 {
		return nil, invalid("csv", "has a header but no rows")
	}
	return rows, nil
}

// detectDelimiter picks the separator the header line uses most (Excel in
// Spanish writes semicolons).
func detectDelimiter(text string) rune {
	head, _, _ := strings.Cut(text, "\n")
	best, n := ',', strings.Count(head, ",")
	for _, d := range []rune{';', '\t'} {
		if k := strings.Count(head, string(d)); k > n {
			best, n = d, k
		}
	}
	return best
}

// csvError is the problem of a CSV the reader refused, by line; the
// reader's own English reason is left out.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return invalid("csv", "cannot be read at line %d", pe.StartLine)
	}
	return invalid("csv", "cannot be read as CSV")
}

// importColumns returns the field each column fills ("" = ignored).
func importColumns(header []string, mapping map[string]string) ([]string, error) {
	cols := make([]string, len(header))
	byHeader := map[string]int{}
	for i, h := range header {
		byHeader[search.Normalize(h)] = i
	}
	var p model.Problems
	if len(mapping) == 0 {
		for i, h := range header {
			cols[i] = importFieldFor(search.Normalize(h))
		}
	}
	for col, field := range mapping {
		i, ok := byHeader[search.Normalize(col)]
		switch {
		case !ok:
			p.Add("mapping."+col, "no such column in the header")
		case field == "" || field == "-":
			cols[i] = ""
		case importFields[field] == nil:
			p.Add("mapping."+col, "unknown field %q", field)
		default:
			cols[i] = field
		}
	}
	if p.Err() == nil && !containsField(cols, "name") {
		p.Add("mapping", "no column is mapped to name")
	}
	return cols, p.Err()
}

func importFieldFor(h string) string {
	for f, names := range importFields {
		if h == search.Normalize(f) {
			return f
		}
		for _, n := range names {
			if h == n {
				return f
			}
		}
	}
	return ""
}

func containsField(cols []string, f string) bool {
	for _, c := range cols {
		if c == f {
			return true
		}
	}
	return false
}

func blankRecord(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// importRow fills one input from a record.
func importRow(line int, rec, cols []string) workflow.ImportRow {
	row := workflow.ImportRow{Row: line}
	in := &row.Input
	leg := &model.Legislator{}
	// Unknown words are kept as written: validation names the field and the value.
	word := func(v string, words map[string]string) string {
		if w, ok := words[search.Normalize(v)]; ok {
			return w
		}
		return v
	}
	for i, v := range rec {
		if i >= len(cols) || cols[i] == "" {
			continue
		}
		v = strings.TrimSpace(v)
		switch cols[i] {
		case "name":
			in.Name = v
		case "kind":
			in.Kind = word(v, kindWords)
		case "emails":
			in.Emails = append(in.Emails, splitCell(v)...)
		case "phones":
			in.Phones = append(in.Phones, splitCell(v)...)
		case "tags":
			in.Tags = append(in.Tags, splitCell(v)...)
		case "regions":
			for _, r := range splitCell(v) {
				in.Regions = append(in.Regions, word(r, regionWords))
			}
		case "stance":
			in.Stance = word(v, stanceWords)
		case "influence":
			in.Influence = word(v, influenceWords)
		case "notes":
			in.Notes = v
		case "chamber":
			leg.Chamber = word(v, chamberWords)
		case "period":
			leg.Period = v
		case "parliamentary_group":
			leg.ParliamentaryGroup = v
		case "party":
			leg.Party = v
		case "electoral_district":
			leg.ElectoralDistrict = word(v, regionWords)
		case "committees":
			leg.Committees = append(leg.Committees, splitCell(v)...)
		}
	}
	if in.Kind == "" {
		in.Kind = model.KindPerson
	}
	// Legislator columns only mean something for legislators.
	if in.Kind == model.KindLegislator {
		in.Legislator = leg
	}
	return row
}

// splitCell splits a cell holding several values (emails, tags, regions).
func splitCell(v string) []string {
	parts := strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == ',' || r == '|' || r == '\n' })
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
