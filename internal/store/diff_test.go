package store

import (
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
)

func TestDiff(t *testing.T) {
	a := model.Stakeholder{Name: "Ana", Regions: []string{"08"}, Search: "ana", Version: 1}
	b := a
	b.Name, b.Regions, b.Search, b.Version, b.Tags = "Ana María", []string{"08", "15"}, "ana maria", 2, []string{}
	got := diff(a, b)
	if len(got) != 2 || got[0].Field != "name" || got[1].Field != "regions" {
		t.Fatalf("diff: %+v", got)
	}
	c := created(model.Task{Title: "Llamar", Region: "16"})
	if len(c) != 2 || c[0].Field != "title" || c[0].Old != nil {
		t.Fatalf("created: %+v", c)
	}
}
