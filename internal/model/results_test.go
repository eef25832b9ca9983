package model

import (
	"fmt"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestCountAgreements(t *testing.T) {
	ana, beto, dora := bson.NewObjectID(), bson.NewObjectID(), bson.NewObjectID()
	group := map[bson.ObjectID]string{ana: "08", beto: "17", dora: National}
	c := func(who bson.ObjectID, status string) AgreementCommitment {
		return AgreementCommitment{ID: bson.NewObjectID(), StakeholderID: who, Status: status, MadeOn: "2026-03-01"}
	}
	tests := []struct {
		name                       string
		made                       []AgreementCommitment
		members, commitments, done int
		groups                     string
	}{
		{"none", nil, 0, 0, 0, "[]"},
		{"withdrawn only", []AgreementCommitment{c(beto, StatusWithdrawn)}, 0, 0, 0, "[]"},
		{"several commitments count one member", []AgreementCommitment{c(ana, StatusPending), c(ana, StatusFulfilled), c(ana, StatusWithdrawn)}, 1, 2, 1, "[{08 1}]"},
		{"groups add up to the members", []AgreementCommitment{c(ana, StatusPending), c(beto, StatusInProgress), c(dora, StatusFulfilled), c(beto, StatusWithdrawn)},
			3, 3, 1, "[{08 1} {17 1} {NAC 1}]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := CountAgreements(tt.made, func(id bson.ObjectID) string { return group[id] }, func(id bson.ObjectID) string { return id.Hex() })
			sum := 0
			for _, g := range a.Groups {
				sum += g.Count
			}
			if a.Members != tt.members || a.Commitments != tt.commitments || a.Fulfilled != tt.done || fmt.Sprint(a.Groups) != tt.groups || sum != a.Members || len(a.List) != a.Members {
				t.Errorf("got %+v", a)
			}
		})
	}
}

func TestAgreementGroup(t *testing.T) {
	tests := []struct {
		st   *Stakeholder
		want string
	}{
		{&Stakeholder{Legislator: &Legislator{ElectoralDistrict: "17"}}, "17"},
		{&Stakeholder{Legislator: &Legislator{ElectoralDistrict: ""}}, National},
		{&Stakeholder{Legislator: &Legislator{ElectoralDistrict: "NAC"}}, National},
		{&Stakeholder{Committee: &Committee{Region: "16"}}, "16"},
		{&Stakeholder{}, National},
		{nil, National},
	}
	for i, tt := range tests {
		if got := AgreementGroup(tt.st); got != tt.want {
			t.Errorf("%d: %q, want %q", i, got, tt.want)
		}
	}
}

func TestTargetAndSexCounts(t *testing.T) {
	n := func(v int) *int { return &v }
	if err := (TargetInput{Value: n(5)}).Validate(2026); err != nil {
		t.Errorf("valid target: %v", err)
	}
	for _, bad := range []struct {
		in   TargetInput
		year int
	}{{TargetInput{}, 2026}, {TargetInput{Value: n(-1)}, 2026}, {TargetInput{Value: n(MaxTarget + 1)}, 2026}, {TargetInput{Value: n(1)}, 1999}} {
		if bad.in.Validate(bad.year) == nil {
			t.Errorf("%+v %d accepted", bad.in, bad.year)
		}
	}
	training := func(a AudienceCount) error {
		var p Problems
		validateTraining(&p, KindTraining, &Training{Modality: "virtual", Audience: []AudienceCount{a}})
		return p.Err()
	}
	if err := training(AudienceCount{Type: "judges", Count: 10, Women: n(4), Men: n(6)}); err != nil {
		t.Errorf("women and men within the count: %v", err)
	}
	for _, a := range []AudienceCount{{Type: "judges", Count: 10, Women: n(11)}, {Type: "judges", Count: 10, Men: n(-1)}, {Type: "judges", Count: 10, Women: n(6), Men: n(6)}} {
		if training(a) == nil {
			t.Errorf("%+v accepted", a)
		}
	}
}

// TestCompareKeys: the order is that of the strings name+sep+hex, names
// that are prefixes of others, empty and long (past the stack buffer) ones
// included.
func TestCompareKeys(t *testing.T) {
	ids := []bson.ObjectID{{}, {0x01}, {0xab, 0x10}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}
	names := []string{"", "0", "Ana", "Ana ", "Ana B", "Ana0", "Anab", "Ana\x00", "Ñuñez", "Zoe", strings.Repeat("x", 120), strings.Repeat("x", 121)}
	for _, na := range names {
		for _, nb := range names {
			for _, a := range ids {
				for _, b := range ids {
					for _, sep := range []string{"", "\x00", "|"} {
						want := strings.Compare(na+sep+a.Hex(), nb+sep+b.Hex())
						if got := CompareKeys(na, a, nb, b, sep); got != want {
							t.Errorf("CompareKeys(%q, %s, %q, %s, %q) = %d, want %d", na, a.Hex(), nb, b.Hex(), sep, got, want)
						}
					}
				}
			}
		}
	}
}
