package model

import "slices"

// CanResetSecondFactor reports whether u may turn off target's second
// factor (when the phone is lost and the recovery codes with it): an admin
// whose regions cover every region of target, so an admin of some regions
// cannot weaken the sign-in of someone who sees more than they do.
func (u *User) CanResetSecondFactor(target *User) bool {
	if u.Role != RoleAdmin {
		return false
	}
	mine, theirs := u.Scope(), target.Scope()
	if mine.All {
		return true
	}
	if theirs.All {
		return false
	}
	for _, r := range theirs.Regions {
		if !mine.Allows(r) {
			return false
		}
	}
	return true
}

// MustUseSecondFactor reports whether u's role is among required (the roles
// of ALIANZA_REQUIRE_2FA).
func (u *User) MustUseSecondFactor(required []string) bool { return slices.Contains(required, u.Role) }
