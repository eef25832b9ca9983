package model

import "testing"

func TestScope(t *testing.T) {
	for _, tc := range []struct {
		name    string
		grant   []string
		regions []string
		allows  bool
		first   string
	}{
		{"all regions", []string{AllRegions}, []string{"16"}, true, "16"},
		{"all regions, no region", []string{AllRegions}, nil, true, ""},
		{"one region, match", []string{"08"}, []string{"NAC", "08"}, true, "08"},
		{"one region, none", []string{"08"}, []string{"16", "NAC"}, false, ""},
		{"record without region", []string{"08", "16"}, nil, false, ""},
		{"several, first in scope order of record", []string{"16", "08"}, []string{"08", "16"}, true, "08"},
	} {
		s := NewScope(tc.grant)
		if got := s.Allows(tc.regions...); got != tc.allows {
			t.Errorf("%s: Allows %v, want %v", tc.name, got, tc.allows)
		}
		if got := s.First(tc.regions); got != tc.first {
			t.Errorf("%s: First %q, want %q", tc.name, got, tc.first)
		}
	}
}

func TestCheckInScope(t *testing.T) {
	cusco := Scope{Regions: []string{"08"}}
	for _, tc := range []struct {
		name, region string
		scope        Scope
		problem      bool
	}{
		{"in scope", "08", cusco, false},
		{"outside", "16", cusco, true},
		{"every region", "16", Scope{All: true}, false},
		{"empty is the default's business", "", cusco, false},
		{"unknown code is the field's business", "99", cusco, false},
	} {
		var p Problems
		CheckInScope(&p, "region", tc.region, tc.scope)
		if (len(p) > 0) != tc.problem {
			t.Errorf("%s: problems %v", tc.name, p)
		}
	}
}
