package model

import (
	"slices"
	"strconv"
)

// Region is one of Peru's departments by ubigeo code, or NAC for national actors.
type Region struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Program bool   `json:"program"`
}

// National is the code for national-level actors.
const National = "NAC"

// Regions lists Peru's 25 regions by ubigeo department code plus NAC.
// Program regions are where the team works.
var Regions = []Region{
	{"01", "Amazonas", false},
	{"02", "Áncash", false},
	{"03", "Apurímac", false},
	{"04", "Arequipa", true},
	{"05", "Ayacucho", false},
	{"06", "Cajamarca", false},
	{"07", "Callao", false},
	{"08", "Cusco", true},
	{"09", "Huancavelica", false},
	{"10", "Huánuco", false},
	{"11", "Ica", false},
	{"12", "Junín", false},
	{"13", "La Libertad", false},
	{"14", "Lambayeque", false},
	{"15", "Lima", true},
	{"16", "Loreto", true},
	{"17", "Madre de Dios", true},
	{"18", "Moquegua", false},
	{"19", "Pasco", false},
	{"20", "Piura", false},
	{"21", "Puno", true},
	{"22", "San Martín", false},
	{"23", "Tacna", false},
	{"24", "Tumbes", false},
	{"25", "Ucayali", false},
	{National, "Nacional", false},
}

var regionNames = func() map[string]string {
	m := make(map[string]string, len(Regions))
	for _, r := range Regions {
		m[r.Code] = r.Name
	}
	return m
}()

// ValidRegion reports whether code is a known region code.
func ValidRegion(code string) bool { _, ok := regionNames[code]; return ok }

// RegionName returns the Spanish name of a region code, or the code itself.
func RegionName(code string) string {
	if n, ok := regionNames[code]; ok {
		return n
	}
	return code
}

// Scope is the set of regions a user may see. All means no restriction.
type Scope struct {
	All     bool
	Regions []string
}

// NewScope builds a scope from a user's region grant.
func NewScope(grant []string) Scope {
	for _, r := range grant {
		if r == AllRegions {
			return Scope{All: true}
		}
	}
	return Scope{Regions: grant}
}

// Allows reports whether a record in any of regions is visible in the scope.
// A record with no region is visible only to users with every region.
func (s Scope) Allows(regions ...string) bool {
	if s.All {
		return true
	}
	for _, r := range regions {
		for _, g := range s.Regions {
			if r == g {
				return true
			}
		}
	}
	return false
}

// Covers reports whether every one of regions is in the scope: a grant of
// "all" (or a region-less list) is covered only by a scope of every region.
func (s Scope) Covers(regions ...string) bool {
	if s.All {
		return true
	}
	if len(regions) == 0 {
		return false
	}
	for _, r := range regions {
		if r == AllRegions || !slices.Contains(s.Regions, r) {
			return false
		}
	}
	return true
}

func itoa(i int) string { return strconv.Itoa(i) }

// First returns the first of regions the scope allows, or "" when none:
// the region a new record takes from the record it is made for.
func (s Scope) First(regions []string) string {
	for _, r := range regions {
		if s.Allows(r) {
			return r
		}
	}
	return ""
}

// CheckInScope reports under field a known region the scope does not allow.
// An unknown code is left to the field's own validation, so it is not
// reported twice.
func CheckInScope(p *Problems, field, region string, scope Scope) {
	if region != "" && ValidRegion(region) && !scope.Allows(region) {
		p.Add(field, "is outside your regions")
	}
}
