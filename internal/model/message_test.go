package model

import (
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestMatch(t *testing.T) {
	a, b, c := bson.ObjectID{1}, bson.ObjectID{2}, bson.ObjectID{3}
	byAddr := map[string][]StakeholderRef{
		"ana@x.pe":  {{ID: a, Regions: []string{"08"}}},
		"beto@x.pe": {{ID: b, Regions: []string{"16", "08"}}},
		"both@x.pe": {{ID: a, Regions: []string{"08"}}, {ID: c, Regions: []string{"NAC"}}},
	}
	msg := func(from string, to, cc []string) *Message {
		m := &Message{From: Address{Address: from}}
		for _, x := range to {
			m.To = append(m.To, Address{Address: x})
		}
		for _, x := range cc {
			m.Cc = append(m.Cc, Address{Address: x})
		}
		return m
	}
	tests := []struct {
		name      string
		m         *Message
		ids       []bson.ObjectID
		regions   []string
		unmatched bool
	}{
		{"nobody", msg("x@y.pe", []string{"z@y.pe"}, nil), nil, nil, true},
		{"sender", msg("ana@x.pe", nil, nil), []bson.ObjectID{a}, []string{"08"}, false},
		{"recipient", msg("equipo@ong.pe", []string{"beto@x.pe"}, nil), []bson.ObjectID{b}, []string{"08", "16"}, false},
		{"cc, from first", msg("beto@x.pe", nil, []string{"ana@x.pe"}), []bson.ObjectID{b, a}, []string{"08", "16"}, false},
		{"one address, two stakeholders, no repeats", msg("both@x.pe", []string{"ana@x.pe", "ana@x.pe"}, nil), []bson.ObjectID{a, c}, []string{"08", "NAC"}, false},
		{"empty address ignored", msg("", []string{""}, nil), nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids, regions, unmatched := Match(tt.m, byAddr)
			if !slices.Equal(ids, tt.ids) || !slices.Equal(regions, tt.regions) || unmatched != tt.unmatched {
				t.Fatalf("Match = %v %v %v, want %v %v %v", ids, regions, unmatched, tt.ids, tt.regions, tt.unmatched)
			}
			ApplyMatch(tt.m, byAddr)
			if !slices.Equal(tt.m.StakeholderIDs, tt.ids) || tt.m.Unmatched != tt.unmatched {
				t.Fatalf("ApplyMatch set %v %v", tt.m.StakeholderIDs, tt.m.Unmatched)
			}
		})
	}
	if got := MatchAddresses(msg("a@x", []string{"b@x", "a@x"}, []string{"c@x", ""})); strings.Join(got, ",") != "a@x,b@x,c@x" {
		t.Fatalf("MatchAddresses = %v", got)
	}
}

func TestAwaitingReply(t *testing.T) {
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	if got := AwaitingCutoff(now, 0); !got.Equal(now.AddDate(0, 0, -7)) {
		t.Fatalf("default cut-off %v", got)
	}
	if got := AwaitingCutoff(now, 3); !got.Equal(now.AddDate(0, 0, -3)) {
		t.Fatalf("3-day cut-off %v", got)
	}
	cutoff := AwaitingCutoff(now, 7)
	tests := []struct {
		name string
		m    Message
		want bool
	}{
		{"old outbound, no reply", Message{Direction: Outbound, Date: now.AddDate(0, 0, -8)}, true},
		{"old outbound, replied", Message{Direction: Outbound, Date: now.AddDate(0, 0, -8), Replied: true}, false},
		{"recent outbound", Message{Direction: Outbound, Date: now.AddDate(0, 0, -2)}, false},
		{"exactly at the cut-off", Message{Direction: Outbound, Date: cutoff}, false},
		{"old inbound", Message{Direction: Inbound, Date: now.AddDate(0, 0, -30)}, false},
	}
	for _, tt := range tests {
		if got := tt.m.IsAwaitingReply(cutoff); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestMailScope(t *testing.T) {
	tests := []struct {
		u      User
		all    bool
		failed bool
	}{
		{User{Role: RoleAdmin, Regions: []string{"08"}}, false, false},
		{User{Role: RoleAdmin, Regions: []string{AllRegions}}, true, true},
		{User{Role: RoleManager, Regions: []string{AllRegions}}, true, false},
		{User{Role: RoleOfficer, Regions: []string{"08"}}, false, false},
	}
	for _, tt := range tests {
		if got := MailScope(&tt.u); got.All != tt.all || SeesFailedMail(&tt.u) != tt.failed {
			t.Errorf("%s: scope %+v, failed %v", tt.u.Role, got, SeesFailedMail(&tt.u))
		}
	}
}

func TestMessageSearchParts(t *testing.T) {
	m := Message{Subject: "Presupuesto", From: Address{Name: "Rosa", Address: "rosa@x.pe"}, Snippet: "secreto"}
	if got := strings.Join(m.SearchParts(), "|"); got != "Presupuesto|Rosa|rosa@x.pe" {
		t.Fatalf("SearchParts = %q (bodies must not be searchable)", got)
	}
}
