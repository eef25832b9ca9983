package model

import (
	"net/mail"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Roles.
const (
	RoleAdmin   = "admin"
	RoleManager = "manager"
	RoleOfficer = "officer"
	RoleViewer  = "viewer"
)

// Roles lists the valid roles, most powerful first.
var Roles = registerEnum("roles", Enum{RoleAdmin, RoleManager, RoleOfficer, RoleViewer})

// AllRegions is the region grant that covers every region.
const AllRegions = "all"

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 12

// User is a staff member who signs in.
type User struct {
	ID           bson.ObjectID `bson:"_id" json:"id"`
	Email        string        `bson:"email" json:"email"`
	Name         string        `bson:"name" json:"name"`
	Role         string        `bson:"role" json:"role"`
	Regions      []string      `bson:"regions" json:"regions"`
	PasswordHash string        `bson:"password_hash" json:"-"`
	Disabled     bool          `bson:"disabled" json:"disabled"`
	Version      int           `bson:"version" json:"version"`
	CreatedAt    time.Time     `bson:"created_at" json:"created_at"`
	UpdatedAt    time.Time     `bson:"updated_at" json:"updated_at"`
}

// Scope is the set of regions whose records the user may see.
func (u *User) Scope() Scope { return NewScope(u.Regions) }

// NewUser is the input to create a user.
type NewUser struct {
	Email    string   `json:"email"`
	Name     string   `json:"name"`
	Role     string   `json:"role"`
	Regions  []string `json:"regions"`
	Password string   `json:"password"`
}

// Normalize trims and lowercases what must be.
func (n *NewUser) Normalize() {
	n.Email = NormalizeEmail(n.Email)
	n.Name = strings.TrimSpace(n.Name)
	n.Regions = normalizeRegions(n.Regions)
}

// Validate checks every field.
func (n *NewUser) Validate() error {
	var p Problems
	if !ValidEmail(n.Email) {
		p.Add("email", "must be a valid email address")
	}
	if n.Name == "" {
		p.Add("name", "is required")
	}
	CheckText(&p, "name", n.Name)
	if !Roles.Valid(n.Role) {
		p.Add("role", "must be one of %s", Roles)
	}
	validateRegionGrant(&p, "regions", n.Regions)
	validatePassword(&p, "password", n.Password)
	return p.Err()
}

// UserPatch changes some fields of a user; nil fields stay as they are.
type UserPatch struct {
	Name     *string   `json:"name,omitempty"`
	Role     *string   `json:"role,omitempty"`
	Regions  *[]string `json:"regions,omitempty"`
	Disabled *bool     `json:"disabled,omitempty"`
	Password *string   `json:"password,omitempty"`
	Version  *int      `json:"version,omitempty"`
}

// Validate checks the fields that are set.
func (u *UserPatch) Validate() error {
	var p Problems
	if u.Name != nil {
		*u.Name = strings.TrimSpace(*u.Name)
		if *u.Name == "" {
			p.Add("name", "must not be empty")
		}
		CheckText(&p, "name", *u.Name)
	}
	if u.Role != nil && !Roles.Valid(*u.Role) {
		p.Add("role", "must be one of %s", Roles)
	}
	if u.Regions != nil {
		r := normalizeRegions(*u.Regions)
		u.Regions = &r
		validateRegionGrant(&p, "regions", r)
	}
	if u.Password != nil {
		validatePassword(&p, "password", *u.Password)
	}
	return p.Err()
}

func validatePassword(p *Problems, field, pw string) {
	if msg := PasswordProblem(pw); msg != "" {
		p.Add(field, "%s", msg)
	}
}

func validateRegionGrant(p *Problems, field string, regions []string) {
	if len(regions) == 0 {
		p.Add(field, "must list at least one region code or \"all\"")
		return
	}
	for i, r := range regions {
		if r == AllRegions {
			if len(regions) > 1 {
				p.Add(field, "\"all\" cannot be combined with region codes")
			}
			continue
		}
		if !ValidRegion(r) {
			p.Add(field+"["+itoa(i)+"]", "unknown region code %q", r)
		}
	}
}

func normalizeRegions(in []string) []string {
	return cleanList(in, func(r string) string {
		r = strings.TrimSpace(r)
		if strings.EqualFold(r, AllRegions) {
			return AllRegions
		}
		return strings.ToUpper(r)
	})
}

// NormalizeEmail trims and lowercases an address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidEmail reports whether s is a bare address like ana@example.org.
func ValidEmail(s string) bool {
	if s == "" || len(s) > 254 {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

// SystemUser is the binary itself acting as an admin of every region (the
// first admin, `alianza user add`), audited as SystemActor.
func SystemUser() *User {
	return &User{Email: SystemActor.Email, Name: SystemActor.Name, Role: RoleAdmin, Regions: []string{AllRegions}}
}
