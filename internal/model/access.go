package model

import (
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// ErrForbidden means the user's role or regions do not allow the change.
// The workflows return it; the API answers 403.
var ErrForbidden = errors.New("not allowed for your role")

// CanWrite reports whether the user's role may create records at all.
func (u *User) CanWrite() bool { return u.Role != RoleViewer }

// CanEdit reports whether the user may change a record in regions whose
// owner or assignee is among people: admins and managers within their
// regions; officers within their regions when the record is theirs.
func (u *User) CanEdit(regions []string, people ...bson.ObjectID) bool {
	switch u.Role {
	case RoleAdmin, RoleManager:
		return u.Scope().Allows(regions...)
	case RoleOfficer:
		if !u.Scope().Allows(regions...) {
			return false
		}
		for _, p := range people {
			if p == u.ID {
				return true
			}
		}
	}
	return false
}

// CanArchive reports whether the user may archive or restore records:
// managers and admins, as for deleting.
func (u *User) CanArchive() bool { return u.Role == RoleAdmin || u.Role == RoleManager }

// Lima is the team's time zone: dates without a time are Lima days.
var Lima = func() *time.Location {
	l, err := time.LoadLocation("America/Lima")
	if err != nil {
		return time.FixedZone("America/Lima", -5*3600) // Peru keeps no daylight saving
	}
	return l
}()

// Today is the current date in Lima as YYYY-MM-DD.
func Today(now time.Time) string { return now.In(Lima).Format(time.DateOnly) }

// ValidDate reports whether s is a YYYY-MM-DD date.
func ValidDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// Actor is the user as the author of a change.
func (u *User) Actor() Actor { return Actor{ID: u.ID, Email: u.Email, Name: u.Name} }

// CanReopen reports whether the user may move a commitment out of a final
// status: managers and admins only, so a closed result is not undone by
// the officer who recorded it.
func (u *User) CanReopen() bool { return u.Role == RoleAdmin || u.Role == RoleManager }

// MayLeaveStatus reports whether the user may change a commitment whose
// status is from: any status may follow one that is not final; leaving a
// final one is reopening.
func (u *User) MayLeaveStatus(from string) bool { return !IsFinal(from) || u.CanReopen() }

// CanEditCommitment: managers in the commitment's region, officers when
// they own it.
func (u *User) CanEditCommitment(c *Commitment) bool { return u.CanEdit([]string{c.Region}, c.OwnerID) }

// CanEditTask: managers in the task's region, officers who created it or
// are assigned it.
func (u *User) CanEditTask(t *Task) bool {
	return u.CanEdit([]string{t.Region}, t.CreatedBy, t.AssigneeID)
}

// CanEditMeeting: managers in the meeting's region, officers who logged it
// or were at it for the team (staff count as assigned to it).
func (u *User) CanEditMeeting(m *Meeting) bool {
	return u.CanEdit([]string{m.Region}, append([]bson.ObjectID{m.OwnerID}, m.StaffIDs...)...)
}

// CanDeleteMeeting: managers in the meeting's region, officers who logged
// it (being at a meeting is not enough to remove it).
func (u *User) CanDeleteMeeting(m *Meeting) bool { return u.CanEdit([]string{m.Region}, m.OwnerID) }

// LocksSelfOut reports whether patch p, made by u to the user with id,
// would take away u's own admin role or disable u's own account: the last
// admin must not lock everybody out by accident.
func (u *User) LocksSelfOut(id bson.ObjectID, p UserPatch) bool {
	return id == u.ID && ((p.Role != nil && *p.Role != RoleAdmin) || (p.Disabled != nil && *p.Disabled))
}

// The access rules of admins. An admin is limited to their regions like
// everyone else: their records, mail, reports and audit entries are their
// regions' (User.Scope). What concerns every region (the mailboxes and their
// passwords, the organisation's export, personal-data requests, storage and
// backups, the digests of every user, mail nobody was matched to) is for an
// admin of every region only, and users are managed within one's own
// regions: nobody grants a role or regions beyond their own.

// AdminOfEveryRegion reports whether the user is an admin whose grant is
// "all": the only one who may use the organisation-wide tools.
func (u *User) AdminOfEveryRegion() bool { return u.Role == RoleAdmin && u.Scope().All }

// CanManageMailboxes reports whether the user may see, add, change or
// remove the mailboxes the team's mail is synced from: they hold the team's
// IMAP passwords and every region's mail.
func (u *User) CanManageMailboxes() bool { return u.AdminOfEveryRegion() }

// CanHandlePersonalData reports whether the user may answer a person's
// request to see or erase their data: the answer must cover every record.
func (u *User) CanHandlePersonalData() bool { return u.AdminOfEveryRegion() }

// CanManageUser reports whether the admin u may see-and-change the user t:
// an admin of every region anyone; another admin only users whose every
// region is one of theirs (never a user with every region).
func (u *User) CanManageUser(t *User) bool {
	if u.Role != RoleAdmin {
		return false
	}
	return u.Scope().Covers(t.Regions...)
}

// CanGrant reports whether u may give someone role and regions: an admin,
// within their own regions ("all" only by an admin of every region).
// Roles do not rise above admin, so an admin may make another admin, but
// only of regions they hold themselves.
func (u *User) CanGrant(role string, regions []string) bool {
	return u.Role == RoleAdmin && Roles.Valid(role) && u.Scope().Covers(regions...)
}

// CanSeeUser reports whether the admin u may see the account of t: an
// admin of every region any; another admin those who share one of their
// regions (the users they work with; they may manage only some of them).
func (u *User) CanSeeUser(t *User) bool {
	if u.Role != RoleAdmin {
		return false
	}
	if u.Scope().All || u.ID == t.ID {
		return true
	}
	return !t.Scope().All && u.Scope().Allows(t.Regions...)
}

// CheckGrant adds a problem when u may not give role and regions.
func (u *User) CheckGrant(p *Problems, role string, regions []string) {
	if !u.CanGrant(role, regions) {
		p.Add("regions", "you can only grant regions you administer yourself")
	}
}
