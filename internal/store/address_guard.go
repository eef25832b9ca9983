package store

import (
	"context"
	"strings"

	"github.com/alianza-pe/alianza/internal/model"
)

// uniqueEmails normalises addrs and drops empty and repeated ones, keeping
// the first order; a set keeps it linear for imports of thousands.
func uniqueEmails(addrs []string) []string {
	seen := make(map[string]bool, len(addrs))
	var out []string
	for _, a := range addrs {
		if a = model.NormalizeEmail(a); a != "" && !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}

// SetTeamDomains sets the team's own mail domains (ALIANZA_TEAM_DOMAINS):
// their addresses never go on a stakeholder. Mailboxes add their own
// addresses and domains to these. Call it before serving.
func (s *Store) SetTeamDomains(domains []string) {
	out := make([]string, 0, len(domains))
	for _, d := range domains {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" {
			out = append(out, d)
		}
	}
	s.teamDomains = out
}

// InternalAddresses returns a test for the team's own addresses: a team
// domain, or a mailbox's address, user name or domains.
func (s *Store) InternalAddresses(ctx context.Context) (func(addr string) bool, error) {
	boxes, err := s.ListMailboxes(ctx)
	if err != nil {
		return nil, err
	}
	own := map[string]bool{}
	domains := map[string]bool{}
	for _, d := range s.teamDomains {
		domains[d] = true
	}
	for _, b := range boxes {
		if b.Address != "" {
			own[model.NormalizeEmail(b.Address)] = true
		}
		own[model.NormalizeEmail(b.Username)] = true
		for _, d := range b.Domains {
			domains[strings.ToLower(d)] = true
		}
	}
	return func(addr string) bool {
		addr = model.NormalizeEmail(addr)
		_, domain, _ := strings.Cut(addr, "@")
		return own[addr] || domains[domain]
	}, nil
}

// RefusedAddresses says, for each of addrs the scope may not give to a
// stakeholder, why. It holds the rule that nobody widens who reads
// correspondence beyond what their own scope already reads: once a
// stakeholder holds an address, mail from it takes that stakeholder's
// regions too. So an address is refused when it is
//   - the team's own (a team domain or mailbox): it would match every message;
//   - held by a stakeholder the scope cannot see: that stakeholder's mail,
//     past and future, would be pulled into the caller's regions;
//   - on stored correspondence the scope cannot see (unmatched, or matched
//     only to other regions).
//
// Users with every region pass the last two checks. It runs a fixed number
// of queries whatever the number of addresses, so imports call it once.
func (s *Store) RefusedAddresses(ctx context.Context, scope model.Scope, addrs []string) (map[string]string, error) {
	out := map[string]string{}
	list := uniqueEmails(addrs)
	if len(list) == 0 {
		return out, nil
	}
	internal, err := s.InternalAddresses(ctx)
	if err != nil {
		return nil, err
	}
	var rest []string
	for _, a := range list {
		if internal(a) {
			out[a] = "is one of the team's own addresses"
		} else {
			rest = append(rest, a)
		}
	}
	if scope.All || len(rest) == 0 {
		return out, nil
	}
	holders, err := s.StakeholdersByEmail(ctx, rest)
	if err != nil {
		return nil, err
	}
	for a, sts := range holders {
		for _, st := range sts {
			if !scope.Allows(st.Regions...) {
				out[a] = "belongs to a stakeholder in another region; an admin of both regions, or of every region, can add it to both"
				break
			}
		}
	}
	hidden, err := s.AddressesOutsideScope(ctx, scope, rest)
	if err != nil {
		return nil, err
	}
	for _, a := range hidden {
		if _, ok := out[a]; !ok {
			out[a] = "appears in correspondence outside your regions; an admin of every region can add it"
		}
	}
	return out, nil
}
