package model

import (
	"slices"
	"strings"
	"testing"
)

func TestScopeCheckAddedRegions(t *testing.T) {
	cusco := Scope{Regions: []string{"08"}}
	tests := []struct {
		name          string
		scope         Scope
		before, after []string
		want          string
	}{
		{"every region", Scope{All: true}, nil, []string{"08", "16"}, ""},
		{"own region", cusco, nil, []string{"08"}, ""},
		{"added outside", cusco, nil, []string{"08", "16"}, "regions[1]"},
		{"kept outside", cusco, []string{"16"}, []string{"08", "16"}, ""},
		{"several", cusco, nil, []string{"15", "08", "16"}, "regions[0],regions[2]"},
		{"no regions", Scope{}, nil, []string{"08"}, "regions[0]"},
	}
	for _, tt := range tests {
		var p Problems
		tt.scope.CheckAddedRegions(&p, tt.before, tt.after)
		var got []string
		for _, x := range p {
			got = append(got, x.Field)
		}
		if strings.Join(got, ",") != tt.want {
			t.Errorf("%s: %v, want %q", tt.name, got, tt.want)
		}
	}
}

func TestScopeKeepHidden(t *testing.T) {
	cusco := Scope{Regions: []string{"08"}}
	tests := []struct {
		name                string
		scope               Scope
		before, after, want []string
	}{
		{"every region removes", Scope{All: true}, []string{"08", "16"}, []string{"08"}, []string{"08"}},
		{"hidden region stays", cusco, []string{"08", "16"}, []string{}, []string{"16"}},
		{"own region removed", cusco, []string{"08", "16"}, []string{"16"}, []string{"16"}},
		{"no duplicates", cusco, []string{"16"}, []string{"08", "16"}, []string{"08", "16"}},
		{"created", cusco, nil, []string{"08"}, []string{"08"}},
	}
	for _, tt := range tests {
		if got := tt.scope.KeepHidden(tt.before, tt.after); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestStakeholderSearchParts(t *testing.T) {
	st := Stakeholder{Name: "Luis", Emails: []string{"l@x.pe"}, Tags: []string{"salud"}, Notes: "nota",
		Legislator: &Legislator{Party: "Partido", ParliamentaryGroup: "Bancada"}}
	if got := strings.Join(st.SearchParts(), "|"); got != "Luis|l@x.pe|salud|Partido|Bancada|nota" {
		t.Fatalf("SearchParts = %q", got)
	}
	st.Legislator = nil
	if got := strings.Join(st.SearchParts(), "|"); got != "Luis|l@x.pe|salud|nota" {
		t.Fatalf("SearchParts without legislator = %q", got)
	}
}
